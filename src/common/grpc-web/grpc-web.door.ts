import { Metadata } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Transport, TransportId } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { isObservable, lastValueFrom, of, toArray } from 'rxjs';
import { AccessPolicy } from '../auth/access-policy.service.js';
import { RpcCallLike, credentialsFrom, metadataValue } from '../auth/caller-carrier.js';
import { DomainError } from '../errors/domain-error.js';
import { ErrorKind } from '../errors/error-kind.js';
import { ErrorStatus, statusOf } from '../errors/error-status.js';
import { errorTrace } from '../errors/error-text.js';
import { GrpcServiceError, RETRY_AFTER_TRAILER } from '../errors/error.filter.js';
import { rawHeader } from '../http/raw-header.js';
import { internalError, translateError } from '../errors/error-translation.js';
import { GrpcMethodEntry, GrpcMethodTable } from '../grpc/grpc-method-table.js';
import { encodeStatusDetails } from '../grpc/status-details.js';
import { UndecodableMessage } from '../grpc/undecodable-message.js';
import { withinDeadline } from '../grpc/deadline.js';
import { GrpcWebContentType, GrpcWebStatus, deadlineOf, decodeTextBody, malformed, readFrames } from './grpc-web-protocol.js';

/** What a gRPC-web call answers: the response messages (binary) and the status for the trailers. */
export interface GrpcWebOutcome {
  messages: Buffer[];
  status: GrpcWebStatus;
}

/** Request headers that describe the HTTP exchange or the call itself (its deadline), not metadata: never handed on as metadata. */
const HTTP_ONLY_HEADERS = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'content-type', 'content-length', 'accept-encoding', 'grpc-timeout']);

/** What a gRPC-web handler gets as its call, like grpc-js's: where it came from and when its caller stops waiting. */
class GrpcWebCall implements RpcCallLike {
  constructor(
    private readonly address: string,
    readonly deadline: number,
  ) {}

  getPeer(): string {
    return this.address;
  }

  getDeadline(): number {
    return this.deadline;
  }
}

/** The call's deadline from its `grpc-timeout` header: Infinity without one, undefined when it is malformed. */
function callDeadline(rawHeaders: readonly string[]): number | undefined {
  const timeout = rawHeader(rawHeaders as string[], 'grpc-timeout');
  return typeof timeout === 'string' || timeout === undefined ? deadlineOf(timeout, Date.now()) : undefined;
}

const malformedTimeout = () => new DomainError(ErrorKind.InvalidArgument, undefined, 'grpc-timeout must be one value of up to 8 digits and a unit (H, M, S, m, u or n), like 500m');


/**
 * The gRPC-web door. As a Nest transport strategy it receives the same handlers as the gRPC
 * server (wrapped in the same guard, pipes and error filter); it answers a call by looking the
 * path up in the gRPC door's method table, decoding the one request frame with that method's
 * codec, calling the handler with the HTTP headers as gRPC metadata, and encoding the result.
 * The HTTP side (routes, content types, CORS) is in grpc-web.routes.ts.
 */
export class GrpcWebDoor implements CustomTransportStrategy {
  readonly transportId: TransportId = Transport.GRPC;
  private readonly logger = new Logger('GrpcWeb');
  private readonly handlers = new Map<string, MessageHandler>();
  private access?: AccessPolicy;

  constructor(readonly methods: GrpcMethodTable) {}

  /** Called by Nest for every message handler; the gRPC method patterns are kept. */
  addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false): void {
    if (isEventHandler || !isGrpcPattern(pattern)) return;
    this.handlers.set(`${pattern.service}/${pattern.rpc}`, callback);
  }

  listen(callback: () => void): void {
    callback();
  }

  close(): void {}

  /**
   * Answers one call of `method`; never throws (every failure becomes a status). `rawHeaders` is
   * node's raw list of the request's headers, so that a repeated header reaches the handler as
   * repeated metadata; `address` is the client's.
   */
  async call(method: GrpcMethodEntry, contentType: GrpcWebContentType, body: Buffer, rawHeaders: readonly string[], address: string): Promise<GrpcWebOutcome> {
    try {
      const handler = this.handlers.get(`${method.service}/${method.method}`);
      if (!handler || method.requestStream) {
        throw new DomainError(ErrorKind.Unimplemented, undefined, `${method.path} is not served over gRPC-web`);
      }
      if (contentType.codec !== 'proto') {
        throw new DomainError(ErrorKind.Unimplemented, undefined, `the gRPC-web ${contentType.codec} codec is not supported; send application/grpc-web+proto or application/grpc-web-text`);
      }
      const metadata = metadataOf(rawHeaders);
      const deadline = callDeadline(rawHeaders);
      if (deadline === undefined) {
        await this.authenticate(metadata, address);
        throw malformedTimeout();
      }
      const call = new GrpcWebCall(address, deadline);
      let request: unknown;
      try {
        request = this.decodeRequest(method, contentType.text ? decodeTextBody(body) : body);
      } catch (malformed) {
        await this.authenticate(metadata, address);
        throw malformed;
      }
      const answered = (async () => {
        // as the gRPC server calls it: (request, metadata, call)
        const result: unknown = await (handler as (...args: unknown[]) => Promise<unknown>)(request, metadata, call);
        return lastValueFrom((isObservable(result) ? result : of(result)).pipe(toArray()));
      })();
      const values = await withinDeadline(answered, call.deadline);
      const responses = method.responseStream ? values : values.slice(-1);
      return { messages: responses.map((value) => method.encodeResponse(value)), status: { code: 0, message: '' } };
    } catch (error) {
      return { messages: [], status: this.failure(error, method.path) };
    }
  }

  /** Called once the application is initialised: the AccessPolicy is one of its providers. */
  authenticateWith(access: AccessPolicy): void {
    this.access = access;
  }

  /**
   * Throws the 401 (UNAUTHENTICATED) of a call without a valid token, or the 429 of a caller over
   * its rate limit. The guard authenticates every call; this is for a call refused before its
   * handler (a malformed or mistyped message), so that the refusal follows SPEC §5's order (401
   * before 400) without verifying a valid token twice.
   */
  async authenticate(metadata: Metadata, address: string): Promise<void> {
    await (this.access as AccessPolicy).authenticate(credentialsFrom((name) => metadataValue(metadata.get(name)), () => address));
  }

  /** The status of a failure: handler failures come from the error filter; the rest is mapped here the same way. */
  failure(error: unknown, path: string): GrpcWebStatus {
    if (isGrpcServiceError(error)) {
      const [details] = error.metadata.get('grpc-status-details-bin');
      const [retryAfter] = error.metadata.get(RETRY_AFTER_TRAILER);
      return {
        code: error.code,
        message: error.details,
        details: Buffer.isBuffer(details) ? details : undefined,
        retryAfterSeconds: retryAfter === undefined ? undefined : Number(retryAfter),
      };
    }
    const { body, retryAfterSeconds } = this.errorStatus(error, path);
    return { code: body.code, message: body.message, details: encodeStatusDetails(body.code, body.message, body.details), retryAfterSeconds };
  }

  /** A failure outside the handlers (framing, decoding, HTTP) in the one error shape; an unexpected one is logged. */
  errorStatus(error: unknown, path: string): ErrorStatus {
    const known = translateError(error);
    if (known) return statusOf(known);
    const correlationId = randomUUID();
    this.logger.error(`internal error on gRPC-web ${path} (correlation id ${correlationId}): ${errorTrace(error)}`);
    return statusOf(internalError(correlationId));
  }

  /** Exactly one uncompressed data frame, holding a valid request message. */
  private decodeRequest(method: GrpcMethodEntry, body: Buffer): unknown {
    const frames = readFrames(body);
    if (frames.length !== 1 || frames[0].trailer) {
      throw malformed(`the request must be exactly one data frame, got ${frames.length} frame${frames.length === 1 ? ' (a trailer frame)' : 's'}`);
    }
    if (frames[0].compressed) {
      throw new DomainError(ErrorKind.Unimplemented, undefined, 'compressed gRPC-web messages are not supported; send them uncompressed (grpc-encoding identity)');
    }
    let decoded: unknown;
    try {
      decoded = method.decodeRequest(frames[0].payload);
    } catch (error) {
      throw malformed(`the message is not a valid ${method.requestType}: ${(error as Error).message}`);
    }
    // refused here, with the token checked first (see call), rather than after the guard as on gRPC
    if (decoded instanceof UndecodableMessage) throw malformed(`the message is not a valid ${method.requestType}: ${decoded.reason}`);
    return decoded;
  }
}

function isGrpcPattern(pattern: unknown): pattern is { service: string; rpc: string } {
  if (pattern === null || typeof pattern !== 'object') return false;
  const { service, rpc } = pattern as Record<string, unknown>;
  return typeof service === 'string' && typeof rpc === 'string';
}

function isGrpcServiceError(error: unknown): error is GrpcServiceError {
  if (error === null || typeof error !== 'object') return false;
  const { code, details, metadata } = error as Record<string, unknown>;
  return typeof code === 'number' && typeof details === 'string' && metadata instanceof Metadata;
}

/**
 * The request headers as gRPC metadata (`authorization`, `x-zitadel-orgid`, …); `-bin` values are
 * base64. Read from the raw list: node's `headers` keeps only the first of a repeated
 * `authorization`, the raw list has each, and each becomes a value of the key, as on gRPC.
 */
export function metadataOf(rawHeaders: readonly string[]): Metadata {
  const metadata = new Metadata();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (HTTP_ONLY_HEADERS.has(name) || name.startsWith(':')) continue;
    const value = rawHeaders[i + 1];
    try {
      if (name.endsWith('-bin')) metadata.add(name, Buffer.from(value, 'base64'));
      else metadata.add(name, value);
    } catch {
      // not a valid metadata entry (gRPC allows fewer characters than HTTP): not handed on
    }
  }
  return metadata;
}
