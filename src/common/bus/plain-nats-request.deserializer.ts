import { IncomingEvent, IncomingRequest, NatsRequestJSONDeserializer } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';

/**
 * Lets NATS clients other than Nest's call the API: a plain JSON request (`{metadata, request}`
 * without Nest's `{pattern, data, id}` envelope) that carries a reply subject is answered like a
 * Nest request (`{"id", "response" | "err", "isDisposed"}`), instead of being dropped as an event.
 * So `nats request <pattern> '{"metadata": {...}, "request": {...}}'` works.
 */
export class PlainNatsRequestDeserializer extends NatsRequestJSONDeserializer {
  override deserialize(message: { json(): unknown }, options?: { channel?: string; replyTo?: string }): IncomingRequest | IncomingEvent {
    const body = message.json();
    if (!this.isExternal(body)) return body as IncomingRequest | IncomingEvent;
    const packet = this.mapToSchema(body, options);
    return options?.replyTo ? { ...packet, id: randomUUID() } : packet;
  }
}
