import { JWTHeaderParameters, JWTPayload, SignJWT, importJWK } from 'jose';
import { DEVELOPMENT_KEY_ALGORITHM, loadOrCreateDevelopmentKey } from '../../src/common/auth/development-key.js';
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

/**
 * A token signed with the app's development key, with exactly `claims` and the header fields of
 * `header` added: for what `npm run token` never makes (times in the future, odd header fields).
 */
export async function customDevelopmentToken(config: AppConfig, claims: JWTPayload, header: Partial<JWTHeaderParameters> = {}): Promise<string> {
  if (config.auth.mode !== 'development') throw new Error('the app is not in development mode');
  const key = await loadOrCreateDevelopmentKey(config.auth.keyFile);
  return new SignJWT(claims).setProtectedHeader({ alg: DEVELOPMENT_KEY_ALGORITHM, kid: key.kid, typ: 'JWT', ...header }).sign(await importJWK(key.privateJwk, DEVELOPMENT_KEY_ALGORITHM));
}
