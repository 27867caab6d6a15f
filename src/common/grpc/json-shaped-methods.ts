import protobuf from 'protobufjs';
import { fromProtoObject, toProtoObject } from './json-shapes.js';
import { SERVICE_PROTO_FILES, loadProtoRoot } from './proto-files.js';

interface MethodDefinition {
  path: string;
  requestDeserialize: (bytes: Buffer) => unknown;
  responseSerialize: (value: unknown) => Buffer;
}

/**
 * Makes every method of a loaded package definition speak the REST JSON shapes: requests are
 * decoded into them (so the same DTO validation applies) and responses are accepted in them (so
 * the same mappers serve both doors). proto-loader does the binary part.
 */
export function useJsonShapes(definition: Record<string, unknown>): void {
  const root = loadProtoRoot(SERVICE_PROTO_FILES);
  for (const service of Object.values(definition)) {
    for (const method of Object.values(service as Record<string, MethodDefinition>)) {
      if (typeof method?.path !== 'string' || typeof method.responseSerialize !== 'function') continue;
      const [, serviceName, methodName] = method.path.split('/');
      const rpc = root.lookupService(serviceName).methods[methodName];
      rpc.resolve();
      const requestType = rpc.resolvedRequestType as protobuf.Type;
      const responseType = rpc.resolvedResponseType as protobuf.Type;
      const decode = method.requestDeserialize;
      const encode = method.responseSerialize;
      method.requestDeserialize = (bytes) => fromProtoObject(requestType, decode(bytes));
      method.responseSerialize = (value) => encode(toProtoObject(responseType, value));
    }
  }
}
