import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { DomainError } from '../errors/domain-error.js';
import { ErrorKind } from '../errors/error-kind.js';

/**
 * What a gRPC request message that cannot be decoded becomes, instead of an exception: grpc-js
 * decodes before any handler or guard runs and answers a decoder's exception itself (13
 * "Error deserializing request"), which would also answer before the token is looked at.
 * Handed on as the message, it is refused after the guard (SPEC §5: 401 before 400).
 */
export class UndecodableMessage {
  constructor(
    readonly requestType: string,
    readonly reason: string,
  ) {}
}

/** Runs after the guard, before the pipes and the handler: refuses a message that could not be decoded. */
@Injectable()
export class UndecodableMessageRefusal implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const message: unknown = context.switchToRpc().getData();
    if (message instanceof UndecodableMessage) {
      throw new DomainError(ErrorKind.InvalidArgument, undefined, `malformed gRPC request: the message is not a valid ${message.requestType}: ${message.reason}`);
    }
    return next.handle();
  }
}
