import type { Server, ServerDuplexStream, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { PackageDefinition, loadSync } from '@grpc/proto-loader';
import { dirname, join } from 'node:path';
import { oneCopyOfGrpc } from './one-copy-of-grpc.js';

/** The reflection services @grpc/reflection serves, by package path, and their .proto files in that package. */
const VERSIONS = [
  { name: 'grpc.reflection.v1.ServerReflection', file: 'grpc/reflection/v1/reflection.proto' },
  { name: 'grpc.reflection.v1alpha.ServerReflection', file: 'grpc/reflection/v1alpha/reflection.proto' },
];

/** How @grpc/reflection loads its own .proto files (its messages carry bytes as arrays). */
const REFLECTION_LOADER_OPTIONS = { longs: String, enums: String, bytes: Array, defaults: true, oneofs: true };

type ReflectionStream = ServerDuplexStream<unknown, unknown>;

/**
 * gRPC server reflection (v1 and v1alpha) whose index of our definitions is built on the first
 * reflection call, not at start-up: @grpc/reflection's ReflectionService decodes every file
 * descriptor twice (once per version) as it is constructed, which cost some 150 ms of start-up
 * and 3 MiB held by every process, most of which are never asked. The services are registered
 * at once (a server takes no services once started); the first call loads @grpc/reflection and
 * hands its stream to the package's own handler.
 */
export function addLazyReflection(definition: PackageDefinition, server: Server): void {
  const protoDir = join(dirname(require.resolve('@grpc/reflection')), '..', 'proto');
  let handlers: Promise<Map<string, (stream: ReflectionStream) => void>> | undefined;
  const loadHandlers = () => (handlers ??= reflectionHandlers(definition));
  for (const { name, file } of VERSIONS) {
    const loaded = loadPackageDefinition(loadSync(join(protoDir, file), REFLECTION_LOADER_OPTIONS));
    const constructor = name.split('.').reduce<unknown>((namespace, part) => (namespace as Record<string, unknown>)[part], loaded) as { service: ServiceDefinition };
    const service = constructor.service;
    server.addService(service, {
      ServerReflectionInfo: (stream: ReflectionStream) => {
        loadHandlers().then(
          (byService) => byService.get(name)?.(stream),
          (error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
  }
}

/** The package's handlers, taken from a ReflectionService added to a stand-in that only records them. */
async function reflectionHandlers(definition: PackageDefinition): Promise<Map<string, (stream: ReflectionStream) => void>> {
  // its require of @grpc/grpc-js gets the bundle's copy (its own @grpc/proto-loader is another version)
  oneCopyOfGrpc(require.resolve('@grpc/reflection'));
  const { ReflectionService } = await import('@grpc/reflection');
  const handlers = new Map<string, (stream: ReflectionStream) => void>();
  const recorder = {
    addService(service: ServiceDefinition, implementation: UntypedServiceImplementation) {
      const path = Object.values(service)[0].path; // /grpc.reflection.v1.ServerReflection/ServerReflectionInfo
      handlers.set(path.split('/')[1], implementation.ServerReflectionInfo as (stream: ReflectionStream) => void);
    },
  };
  new ReflectionService(definition).addToServer(recorder as unknown as Server);
  return handlers;
}
