import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MethodDefinition, PackageDefinition, loadSync } from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { PROTO_ROOT, SERVICE_PROTO_FILES } from '../../src/common/grpc/proto-files.js';
import { serviceDefinition } from '../../src/common/grpc/service-definition.js';

/** What proto-loader makes of the same files with the options the service used before it built its own definition. */
const reference = (): PackageDefinition =>
  loadSync(SERVICE_PROTO_FILES, { includeDirs: [PROTO_ROOT], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });

const isService = (entry: PackageDefinition[string]) => !('format' in entry);

/** A definition's encoded files, decoded, by file name. */
function filesOf(definition: PackageDefinition): Map<string, unknown> {
  const entry = Object.values(definition).find((candidate) => !isService(candidate)) as { fileDescriptorProtos: Buffer[] };
  return new Map(
    entry.fileDescriptorProtos.map((bytes) => {
      const file = descriptor.FileDescriptorProto.decode(bytes);
      return [String((file as unknown as { name: string }).name), descriptor.FileDescriptorProto.toObject(file, { defaults: false })];
    }),
  );
}

describe('the gRPC service definition', () => {
  const ours = serviceDefinition();
  const theirs = reference();

  it('lists the same services, messages and enums by full name as proto-loader does', () => {
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
    const services = Object.keys(ours).filter((name) => isService(ours[name]));
    assert.ok(services.includes('zitadel.admin.v1.AdminService') && services.includes('grpc.health.v1.Health'), services.join(', '));
  });

  it('gives every method the same path, streaming, names, options and message descriptors', () => {
    let methods = 0;
    for (const [name, entry] of Object.entries(ours)) {
      if (isService(entry)) {
        const reference = theirs[name] as Record<string, MethodDefinition<object, object>>;
        assert.deepEqual(Object.keys(entry).sort(), Object.keys(reference).sort(), name);
        for (const [method, ourMethod] of Object.entries(entry as Record<string, MethodDefinition<object, object>>)) {
          const theirMethod = reference[method];
          for (const field of ['path', 'requestStream', 'responseStream', 'originalName', 'options'] as const) {
            assert.deepEqual(ourMethod[field], theirMethod[field], `${name}.${method}: ${field}`);
          }
          assert.deepEqual(ourMethod.requestType.type, theirMethod.requestType.type, `${name}.${method}: request type`);
          assert.deepEqual(ourMethod.responseType.type, theirMethod.responseType.type, `${name}.${method}: response type`);
          methods++;
        }
      } else {
        assert.equal((entry as { format: string }).format, (theirs[name] as { format: string }).format, name);
        assert.deepEqual((entry as { type: unknown }).type, (theirs[name] as { type: unknown }).type, name);
      }
    }
    assert.ok(methods >= 20, `${methods} methods compared`);
  });

  it('serves reflection the same files, with the same contents', () => {
    const ourFiles = filesOf(ours);
    const theirFiles = filesOf(theirs);
    assert.deepEqual([...ourFiles.keys()].sort(), [...theirFiles.keys()].sort());
    for (const [name, file] of ourFiles) assert.deepEqual(file, theirFiles.get(name), name);
    assert.ok(ourFiles.size >= 5, `${ourFiles.size} files`);
  });

  it('decodes a request into the REST shape it was given in', () => {
    const service = ours['zitadel.admin.v1.AdminService'] as Record<string, MethodDefinition<object, object>>;
    const method = service.AddSecondFactorToLoginPolicy;
    const request = method.requestDeserialize(method.requestSerialize({ type: 'SECOND_FACTOR_TYPE_U2F' }));
    assert.deepEqual(request, { type: 'SECOND_FACTOR_TYPE_U2F' });
  });
});
