import { DomainError } from '../errors/domain-error.js';
import { ErrorKind } from '../errors/error-kind.js';
import { RpcCallLike } from '../auth/caller-carrier.js';

export const deadlineExceeded = () => new DomainError(ErrorKind.DeadlineExceeded, undefined, 'Deadline exceeded: the call was not done within its grpc-timeout');

/**
 * Throws DEADLINE_EXCEEDED when the caller of a gRPC or gRPC-web call has stopped waiting, so
 * that no work starts for it: checked before the call is admitted and again before its handler
 * runs, when admission had to wait (a token verified for the first time).
 */
export function assertBeforeDeadline(call: RpcCallLike | undefined): void {
  if (call !== undefined && deadlinePassed(call)) throw deadlineExceeded();
}

/** Whether the caller of `call` has stopped waiting. */
export function deadlinePassed(call: Pick<RpcCallLike, 'getDeadline'>): boolean {
  const deadline = call.getDeadline();
  return (deadline instanceof Date ? deadline.getTime() : deadline) <= Date.now();
}

/** The work's result, or DEADLINE_EXCEEDED once `deadline` (epoch ms) passes first, as grpc-js answers on gRPC. */
export function withinDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  if (deadline === Infinity) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(deadlineExceeded()), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
