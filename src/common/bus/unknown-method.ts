import { IncomingEvent, IncomingRequest, IncomingRequestDeserializer, MessageHandler } from '@nestjs/microservices';
import { throwError } from 'rxjs';
import { DomainError } from '../errors/domain-error.js';
import { ErrorKind } from '../errors/error-kind.js';
import { statusOf } from '../errors/error-status.js';

/**
 * On RabbitMQ every request pattern arrives on one queue, so a request can name a method nobody
 * serves. It is routed here and answered UNIMPLEMENTED in the one error shape (Nest would reply
 * with a bare text). The other transports subscribe per pattern: such a request never reaches us.
 */
export const UNKNOWN_METHOD_PATTERN = 'zitadel.unknown-method';

export class KnownPatternsDeserializer extends IncomingRequestDeserializer {
  constructor(private readonly isServed: (pattern: string) => boolean) {
    super();
  }

  override deserialize(value: unknown, options?: Record<string, unknown>): IncomingRequest | IncomingEvent {
    const packet = super.deserialize(value, options) as IncomingRequest | IncomingEvent;
    if (!('id' in packet) || packet.id === undefined || (typeof packet.pattern === 'string' && this.isServed(packet.pattern))) return packet;
    return { ...packet, pattern: UNKNOWN_METHOD_PATTERN, data: typeof packet.pattern === 'string' ? packet.pattern : JSON.stringify(packet.pattern) };
  }
}

export const answerUnknownMethod: MessageHandler<string> = async (pattern) =>
  throwError(() => statusOf(new DomainError(ErrorKind.Unimplemented, undefined, `unknown method ${pattern}; see the README for the request patterns`)).body);
