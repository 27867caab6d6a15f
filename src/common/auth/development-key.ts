import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { JWK, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

export const DEVELOPMENT_KEY_ALGORITHM = 'RS256';

export interface DevelopmentKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * The signing key of development mode: created once in DATA_DIR and reused by the service and by
 * `npm run token`. Two processes creating it at the same moment end up with the same key, because
 * the file is written exclusively and the loser reads the winner's file.
 */
export async function loadOrCreateDevelopmentKey(file: string): Promise<DevelopmentKey> {
  const existing = await readKey(file);
  if (existing) return existing;
  const { privateKey, publicKey } = await generateKeyPair(DEVELOPMENT_KEY_ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const key: DevelopmentKey = {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: DEVELOPMENT_KEY_ALGORITHM, use: 'sig' },
    publicJwk: { ...publicJwk, kid, alg: DEVELOPMENT_KEY_ALGORITHM, use: 'sig' },
  };
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, JSON.stringify(key, null, 2), { flag: 'wx', mode: 0o600 });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readKey(file)) ?? key;
  }
}

async function readKey(file: string): Promise<DevelopmentKey | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DevelopmentKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`the development signing key ${file} cannot be read: ${(error as Error).message}`);
  }
}
