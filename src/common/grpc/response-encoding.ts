import protobuf from 'protobufjs';
import { toProtoObject } from './json-to-proto.js';
import { SERVICE_PROTO_FILES, loadProtoRoot } from './proto-files.js';

interface MethodDefinition {
  path: string;
  responseSerialize: (value: unknown) => Buffer;
}

/**
 * Makes every method of a loaded package definition accept responses in the REST JSON shape:
 * each response passes through `toProtoObject` with its protobuf type before proto-loader's
 * own serializer encodes it.
 */
export function acceptJsonShapedResponses(definition: Record<string, unknown>): void {
  const root = loadProtoRoot(SERVICE_PROTO_FILES);
  for (const service of Object.values(definition)) {
    for (const method of Object.values(service as Record<string, MethodDefinition>)) {
      if (typeof method?.path !== 'string' || typeof method.responseSerialize !== 'function') continue;
      const [, serviceName, methodName] = method.path.split('/');
      const rpc = root.lookupService(serviceName).methods[methodName];
      rpc.resolve();
      const responseType = rpc.resolvedResponseType as protobuf.Type;
      const encode = method.responseSerialize;
      method.responseSerialize = (value) => encode(toProtoObject(responseType, value));
    }
  }
}
