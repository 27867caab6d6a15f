import { loadOrCreateDevelopmentKey } from '../../src/common/auth/development-key.js';
import { signDevelopmentToken } from '../../src/common/auth/development-token.js';
import { AppConfig } from '../../src/common/config/app-config.js';

export interface TokenOptions {
  roles?: string[];
  org?: string;
  sub?: string;
  expiresIn?: string;
  issuer?: string;
  audience?: string;
}

/** A token signed with the app's development key, as `npm run token` makes it. */
export async function developmentToken(config: AppConfig, options: TokenOptions = {}): Promise<string> {
  if (config.auth.mode !== 'development') throw new Error('the app is not in development mode');
  const key = await loadOrCreateDevelopmentKey(config.auth.keyFile);
  return signDevelopmentToken(key, {
    subject: options.sub ?? 'test-user',
    roles: options.roles ?? [],
    org: options.org,
    issuer: options.issuer ?? config.auth.issuer,
    audience: options.audience ?? config.auth.audience,
    expiresIn: options.expiresIn ?? '1h',
  });
}
