import { Options, PackageDefinition, loadSync } from '@grpc/proto-loader';
import { useJsonShapes } from './json-shaped-methods.js';
import { PROTO_ROOT, SERVICE_PROTO_FILES } from './proto-files.js';

/** How proto-loader reads our files: camelCase names, enums as names, 64-bit numbers as strings, all fields present. */
const LOADER_OPTIONS: Options = { includeDirs: [PROTO_ROOT], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true };

let definition: PackageDefinition | undefined;

/**
 * The services of SERVICE_PROTO_FILES, loaded once per process with every method speaking the
 * REST JSON shapes. Both RPC doors over HTTP/2 and HTTP/1 (gRPC and gRPC-web) serve this one
 * definition.
 */
export function serviceDefinition(): PackageDefinition {
  if (!definition) {
    const loaded = loadSync(SERVICE_PROTO_FILES, LOADER_OPTIONS);
    useJsonShapes(loaded);
    definition = loaded;
  }
  return definition;
}
