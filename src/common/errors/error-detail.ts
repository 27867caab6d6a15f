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

/** How long to wait before trying again, as protobuf's JSON writes a Duration (`"3s"`). */
export interface RetryInfoDetail {
  '@type': 'type.googleapis.com/google.rpc.RetryInfo';
  retryDelay: string;
}

export type ErrorDetail = ZitadelErrorDetail | BadRequestDetail | RequestInfoDetail | RetryInfoDetail;

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

export function retryInfoDetail(seconds: number): RetryInfoDetail {
  return { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${seconds}s` };
}
