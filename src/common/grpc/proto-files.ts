import protobuf from 'protobufjs';
import { isAbsolute, resolve } from 'node:path';

/** The project's `proto/` folder (this file runs from dist/src/common/grpc). */
export const PROTO_ROOT = resolve(__dirname, '../../../../proto');

/** The services served over gRPC, by file. */
export const SERVICE_PROTO_FILES = ['zitadel/admin.proto', 'zitadel/management.proto', 'grpc/health/v1/health.proto'];

/** The packages of those services. */
export const SERVICE_PACKAGES = ['zitadel.admin.v1', 'zitadel.management.v1', 'grpc.health.v1'];

/** A protobufjs root with `files` (relative to PROTO_ROOT) and the well-known types they import. */
export function loadProtoRoot(files: string[]): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    isAbsolute(target) || target.startsWith('google/protobuf/') ? target : resolve(PROTO_ROOT, target);
  root.loadSync(files);
  return root;
}
