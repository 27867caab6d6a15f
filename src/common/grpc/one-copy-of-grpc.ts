import Module, { createRequire } from 'node:module';

/**
 * gRPC's libraries are in the bundle (scripts/bundle.mjs), but some packages load them through
 * node's own `require`, which the bundle cannot follow: Nest's gRPC server
 * (`createRequire(import.meta.url)('@grpc/grpc-js')`) and @grpc/reflection, which stays in
 * node_modules. Each would load a second copy from disk. This puts the copy this code runs into
 * node's module cache under the file such a `require` resolves to, so every one of them gets it.
 * `from` is where the other package requires from (its own folder finds its own version: a package
 * that depends on another version resolves another file and keeps it). Outside the bundle the
 * modules are node's own already, and nothing changes.
 */
export function oneCopyOfGrpc(from: string): void {
  const resolveFrom = createRequire(from);
  for (const [id, loaded] of [
    ['@grpc/grpc-js', require('@grpc/grpc-js') as unknown],
    ['@grpc/proto-loader', require('@grpc/proto-loader') as unknown],
  ] as const) {
    const file = resolveFrom.resolve(id);
    if (require.cache[file]) continue;
    const module = new Module(file);
    module.filename = file;
    module.exports = loaded;
    module.loaded = true;
    require.cache[file] = module;
  }
}
