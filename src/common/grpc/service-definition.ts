import type { MessageTypeDefinition, MethodDefinition, PackageDefinition } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { jsonShapedCodecs, requestCodecs, responseCodecs } from './json-shaped-methods.js';
import { SERVICE_PROTO_FILES, loadProtoRoot } from './proto-files.js';

const MESSAGE_FORMAT = 'Protocol Buffer 3 DescriptorProto';
const ENUM_FORMAT = 'Protocol Buffer 3 EnumDescriptorProto';

/** How descriptors read as plain objects (what proto-loader gives as a definition's `type`). */
const DESCRIPTOR_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: true, oneofs: true, json: true };

let definition: PackageDefinition | undefined;

/**
 * The services of SERVICE_PROTO_FILES, loaded once per process with every method speaking the
 * REST JSON shapes. Both RPC doors over HTTP/2 and HTTP/1 (gRPC and gRPC-web) serve this one
 * definition.
 *
 * Built from the one protobufjs root the JSON shapes use, in the layout proto-loader gives (every
 * service, message and enum by full name), so the .proto files are parsed once. What only
 * reflection and introspection read (each type's descriptor, the encoded files) is computed on
 * first use: at start-up it cost as much as parsing the files, and most processes never answer
 * a reflection call.
 */
export function serviceDefinition(): PackageDefinition {
  definition ??= packageDefinitionOf(loadProtoRoot(SERVICE_PROTO_FILES));
  return definition;
}

function packageDefinitionOf(root: protobuf.Root): PackageDefinition {
  const files = lazily(() => encodedFiles(root));
  const result: PackageDefinition = {};
  for (const [name, object] of servedObjects(root, '')) {
    if (object instanceof protobuf.Service) result[name] = serviceOf(object, name, files);
    else if (object instanceof protobuf.Type) result[name] = messageOf(object, files);
    else result[name] = enumOf(object, files);
  }
  return result;
}

/** Every service, message and enum by full name; a message's nested types are part of it, not listed apart. */
function* servedObjects(namespace: protobuf.NamespaceBase, prefix: string): Generator<[string, protobuf.Service | protobuf.Type | protobuf.Enum]> {
  for (const object of namespace.nestedArray) {
    const name = prefix ? `${prefix}.${object.name}` : object.name;
    if (object instanceof protobuf.Service || object instanceof protobuf.Type || object instanceof protobuf.Enum) yield [name, object];
    else if (object instanceof protobuf.Namespace) yield* servedObjects(object, name);
  }
}

function serviceOf(service: protobuf.Service, name: string, files: () => Buffer[]): Record<string, MethodDefinition<object, object>> {
  const methods: Record<string, MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const requestType = method.resolvedRequestType as protobuf.Type;
    const responseType = method.resolvedResponseType as protobuf.Type;
    methods[method.name] = {
      path: `/${name}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      ...requestCodecs(requestType),
      ...responseCodecs(responseType),
      originalName: camelCase(method.name),
      requestType: messageOf(requestType, files),
      responseType: messageOf(responseType, files),
      options: methodOptions(method),
    } as MethodDefinition<object, object>;
  }
  return methods;
}

function messageOf(type: protobuf.Type, files: () => Buffer[]): MessageTypeDefinition<object, object> {
  return Object.assign(described(MESSAGE_FORMAT, type, files), jsonShapedCodecs(type)) as MessageTypeDefinition<object, object>;
}

function enumOf(type: protobuf.Enum, files: () => Buffer[]): PackageDefinition[string] {
  return described(ENUM_FORMAT, type, files) as PackageDefinition[string];
}

/** A type's entry: its descriptor and the encoded files, each made when first read. */
function described(format: string, type: protobuf.Type | protobuf.Enum, files: () => Buffer[]): { format: string; type: Record<string, unknown>; fileDescriptorProtos: Buffer[] } {
  const descriptorObject = lazily(() => toDescriptorObject(type));
  return {
    format,
    get type() {
      return descriptorObject();
    },
    get fileDescriptorProtos() {
      return files();
    },
  };
}

/** A method's options as gRPC libraries read them (no method of ours sets any). */
function methodOptions(method: protobuf.Method): Record<string, unknown> {
  const options: Record<string, unknown> = { deprecated: false, idempotency_level: 'IDEMPOTENCY_UNKNOWN', uninterpreted_option: [] };
  for (const option of method.parsedOptions ?? []) Object.assign(options, option);
  return options;
}

/** Each .proto file of the root as an encoded FileDescriptorProto, as server reflection serves them. */
function encodedFiles(root: protobuf.Root): Buffer[] {
  root.resolveAll();
  const set = (root as unknown as { toDescriptor(syntax: string): descriptor.IFileDescriptorSet }).toDescriptor('proto3');
  return (set.file ?? []).map((file) => Buffer.from(descriptor.FileDescriptorProto.encode(file).finish()));
}

function toDescriptorObject(type: protobuf.Type | protobuf.Enum): Record<string, unknown> {
  const proto = (type as unknown as { toDescriptor(syntax: string): protobuf.Message }).toDescriptor('proto3');
  return (proto.$type as protobuf.Type).toObject(proto, DESCRIPTOR_OBJECT);
}

/** `GetOrgByID` → `getOrgById`: the method's alias on generated clients, as proto-loader names it. */
function camelCase(name: string): string {
  const words = name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? [name];
  return words.map((word, i) => (i === 0 ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase())).join('');
}

function lazily<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= compute());
}
