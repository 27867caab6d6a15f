/**
 * The error kinds the service answers with. Each kind has exactly one gRPC code and one HTTP
 * status (SPEC §6); nothing else in the code base decides a status.
 */
export enum ErrorKind {
  InvalidArgument = 'INVALID_ARGUMENT',
  FailedPrecondition = 'FAILED_PRECONDITION',
  Unauthenticated = 'UNAUTHENTICATED',
  PermissionDenied = 'PERMISSION_DENIED',
  NotFound = 'NOT_FOUND',
  AlreadyExists = 'ALREADY_EXISTS',
  ResourceExhausted = 'RESOURCE_EXHAUSTED',
  DeadlineExceeded = 'DEADLINE_EXCEEDED',
  Unimplemented = 'UNIMPLEMENTED',
  Unavailable = 'UNAVAILABLE',
  Internal = 'INTERNAL',
}

interface KindMapping {
  grpcCode: number;
  httpStatus: number;
}

const MAPPING: Record<ErrorKind, KindMapping> = {
  [ErrorKind.InvalidArgument]: { grpcCode: 3, httpStatus: 400 },
  [ErrorKind.FailedPrecondition]: { grpcCode: 9, httpStatus: 400 },
  [ErrorKind.Unauthenticated]: { grpcCode: 16, httpStatus: 401 },
  [ErrorKind.PermissionDenied]: { grpcCode: 7, httpStatus: 403 },
  [ErrorKind.NotFound]: { grpcCode: 5, httpStatus: 404 },
  [ErrorKind.AlreadyExists]: { grpcCode: 6, httpStatus: 409 },
  [ErrorKind.ResourceExhausted]: { grpcCode: 8, httpStatus: 429 },
  [ErrorKind.DeadlineExceeded]: { grpcCode: 4, httpStatus: 504 },
  [ErrorKind.Unimplemented]: { grpcCode: 12, httpStatus: 405 },
  [ErrorKind.Unavailable]: { grpcCode: 14, httpStatus: 503 },
  [ErrorKind.Internal]: { grpcCode: 13, httpStatus: 500 },
};

export function grpcCodeOf(kind: ErrorKind): number {
  return MAPPING[kind].grpcCode;
}

export function httpStatusOf(kind: ErrorKind): number {
  return MAPPING[kind].httpStatus;
}
