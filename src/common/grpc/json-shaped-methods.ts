import protobuf from 'protobufjs';
import { fromProtoObject, toProtoObject } from './json-shapes.js';
import { UndecodableMessage } from './undecodable-message.js';

/** What decoded messages look like (proto-loader's options of the service definition). */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: true, oneofs: true };

// The codecs of the service definition (service-definition.ts), which make every method speak the
// REST JSON shapes: requests are decoded into them (so the same DTO validation applies) and
// responses are accepted in them (so the same mappers serve both doors).

/** A message's own codecs (what a package definition lists beside each message type). */
export function jsonShapedCodecs(type: protobuf.Type): { serialize: (value: unknown) => Buffer; deserialize: (bytes: Buffer) => unknown } {
  return { serialize: (value) => encode(type, value), deserialize: (bytes) => decode(type, bytes) };
}

/** A method's request codecs: a request decodes into the REST shape (one that cannot be decoded into an UndecodableMessage). */
export function requestCodecs(type: protobuf.Type): { requestSerialize: (value: unknown) => Buffer; requestDeserialize: (bytes: Buffer) => unknown } {
  return { requestSerialize: (value) => encode(type, value), requestDeserialize: (bytes) => decodeRequest(type, bytes) };
}

/** A method's response codecs: a response is accepted in the REST shape. */
export function responseCodecs(type: protobuf.Type): { responseSerialize: (value: unknown) => Buffer; responseDeserialize: (bytes: Buffer) => unknown } {
  return { responseSerialize: (value) => encode(type, toProtoObject(type, value)), responseDeserialize: (bytes) => decode(type, bytes) };
}

function encode(type: protobuf.Type, value: unknown): Buffer {
  const bytes = type.encode(type.fromObject(value as Record<string, unknown>)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A request in the REST shape; one that cannot be decoded is refused after the guard (undecodable-message.ts). */
function decodeRequest(type: protobuf.Type, bytes: Buffer): unknown {
  let decoded: unknown;
  try {
    decoded = decode(type, bytes);
  } catch (error) {
    return new UndecodableMessage(type.name, (error as Error).message);
  }
  return fromProtoObject(type, decoded);
}

function decode(type: protobuf.Type, bytes: Buffer): unknown {
  return type.toObject(type.decode(bytes), TO_OBJECT);
}
