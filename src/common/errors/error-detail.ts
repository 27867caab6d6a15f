/** `google.rpc.Status` details as they appear in JSON (protobuf `Any` with `@type`). */
export interface ZitadelErrorDetail {
  '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail';
  id: string;
  message: string;
}

export interface FieldViolation {
  field: string;
  description: string;
}

export interface BadRequestDetail {
  '@type': 'type.googleapis.com/google.rpc.BadRequest';
  fieldViolations: FieldViolation[];
}

export interface RequestInfoDetail {
  '@type': 'type.googleapis.com/google.rpc.RequestInfo';
  requestId: string;
  servingData: string;
}

export type ErrorDetail = ZitadelErrorDetail | BadRequestDetail | RequestInfoDetail;

export function zitadelDetail(id: string, message: string): ZitadelErrorDetail {
  return { '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id, message };
}

export function badRequestDetail(fieldViolations: FieldViolation[]): BadRequestDetail {
  return { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations };
}

export function requestInfoDetail(requestId: string): RequestInfoDetail {
  return {
    '@type': 'type.googleapis.com/google.rpc.RequestInfo',
    requestId,
    servingData: 'quote this id when reporting the error; the cause is in the service log',
  };
}
