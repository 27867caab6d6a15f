import protobuf from 'protobufjs';
import { fromProtoObject, toProtoObject } from './json-shapes.js';
import { UndecodableMessage } from './undecodable-message.js';
import { SERVICE_PROTO_FILES, loadProtoRoot } from './proto-files.js';

/** A message of a package definition (proto-loader lists every message type beside the services). */
interface MessageDefinition {
  format: string;
  serialize?: (value: unknown) => Buffer;
  deserialize?: (bytes: Buffer) => unknown;
}

interface MethodDefinition {
  path: string;
  requestSerialize: (value: unknown) => Buffer;
  requestDeserialize: (bytes: Buffer) => unknown;
  responseSerialize: (value: unknown) => Buffer;
  responseDeserialize: (bytes: Buffer) => unknown;
  requestType: MessageDefinition;
  responseType: MessageDefinition;
}

/** What decoded messages look like (proto-loader's options of the service definition). */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: true, oneofs: true };

/**
 * Makes every method of a loaded package definition speak the REST JSON shapes: requests are
 * decoded into them (so the same DTO validation applies) and responses are accepted in them (so
 * the same mappers serve both doors). The methods encode and decode with the one protobufjs root
 * loaded here, and keep nothing of proto-loader's: its own copy of the definitions is garbage
 * once this returns (proto-loader's descriptors, which reflection serves, are plain data).
 */
export function useJsonShapes(definition: Record<string, unknown>): void {
  const root = loadProtoRoot(SERVICE_PROTO_FILES);
  for (const [name, entry] of Object.entries(definition)) {
    const message = entry as MessageDefinition;
    if (typeof message.format !== 'string' || typeof message.serialize !== 'function') continue;
    useRoot(message, root.lookupType(name));
  }
  for (const service of Object.values(definition)) {
    for (const method of Object.values(service as Record<string, MethodDefinition>)) {
      if (typeof method?.path !== 'string' || typeof method.responseSerialize !== 'function') continue;
      const [, serviceName, methodName] = method.path.split('/');
      const rpc = root.lookupService(serviceName).methods[methodName];
      rpc.resolve();
      const requestType = rpc.resolvedRequestType as protobuf.Type;
      const responseType = rpc.resolvedResponseType as protobuf.Type;
      useRoot(method.requestType, requestType);
      useRoot(method.responseType, responseType);
      method.requestSerialize = (value) => encode(requestType, value);
      method.requestDeserialize = (bytes) => decodeRequest(requestType, bytes);
      method.responseSerialize = (value) => encode(responseType, toProtoObject(responseType, value));
      method.responseDeserialize = (bytes) => decode(responseType, bytes);
    }
  }
}

function useRoot(message: MessageDefinition, type: protobuf.Type): void {
  message.serialize = (value) => encode(type, value);
  message.deserialize = (bytes) => decode(type, bytes);
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
