import protobuf from 'protobufjs';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * The project's `proto/` folder: the nearest one above the running code, which is
 * dist/src/common/grpc when built by the compiler and dist/ when bundled.
 */
export const PROTO_ROOT = nearestProtoFolder(__dirname);

function nearestProtoFolder(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'zitadel'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`no proto/zitadel folder above ${start}`);
  }
}

/** The services served over gRPC, by file. */
export const SERVICE_PROTO_FILES = [
  'zitadel/admin.proto',
  'zitadel/management.proto',
  'zitadel/settings/v2/settings_service.proto',
  'loginpolicyfactors/v1/factor_sets.proto',
  'grpc/health/v1/health.proto',
];

/** The packages of those services. */
export const SERVICE_PACKAGES = ['zitadel.admin.v1', 'zitadel.management.v1', 'zitadel.settings.v2', 'loginpolicyfactors.v1', 'grpc.health.v1'];

/** A protobufjs root with `files` (relative to PROTO_ROOT) and the well-known types they import. */
export function loadProtoRoot(files: string[]): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    isAbsolute(target) || target.startsWith('google/protobuf/') ? target : resolve(PROTO_ROOT, target);
  root.loadSync(files);
  return root;
}
