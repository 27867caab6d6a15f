import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp } from '../app.factory.js';
import { loadConfig } from '../common/config/load-config.js';
import { errorText } from '../common/errors/error-text.js';
import { buildOpenApiDocument } from '../swagger.js';

/** Writes the OpenAPI document generated from the code to docs/openapi.json (or the given path). */
async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? 'docs/openapi.json');
  const dataDir = await mkdtemp(join(tmpdir(), 'lpf-openapi-'));
  const app = await createApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', GRPC_PORT: '0' }));
  try {
    await writeFile(target, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
    process.stdout.write(`wrote ${target}\n`);
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${errorText(error)}\n`);
  process.exit(1);
});
