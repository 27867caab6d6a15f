import { Injectable, Logger } from '@nestjs/common';
import { JWTPayload, JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { AppConfig } from '../config/app-config.js';
import { DomainError } from '../errors/domain-error.js';
import { ErrorKind } from '../errors/error-kind.js';
import { loadOrCreateDevelopmentKey } from './development-key.js';

/** What ZITADEL signs with, plus the other asymmetric algorithms we accept. HS* and none never. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256', 'PS256', 'EdDSA'];

/**
 * How far the issuer's clock may run ahead of ours: a token whose `iat` (issued at) or `nbf` (not
 * before) lies up to this far in the future is taken, one further ahead is not. Its end is exact:
 * a token is refused from its `exp` on, as the verified-token cache assumes.
 */
export const CLOCK_SKEW_SECONDS = 60;

/** The answer to any token that is not valid (ZITADEL's id and text). */
export const invalidToken = () => new DomainError(ErrorKind.Unauthenticated, 'AUTH-7fs1e', 'Errors.Token.Invalid');

/**
 * Verifies bearer tokens: against the issuer's JWKS (found by OIDC discovery unless configured),
 * or against the local development key. jose caches the JWKS and downloads it again when a token
 * names an unknown `kid`, so a rotated key is picked up without a restart.
 */
@Injectable()
export class TokenVerifier {
  private readonly logger = new Logger(TokenVerifier.name);
  private keySet?: Promise<JWTVerifyGetKey>;

  constructor(private readonly config: AppConfig) {}

  async verify(token: string): Promise<JWTPayload> {
    const keys = await this.keys();
    let payload: JWTPayload;
    try {
      // jose applies the tolerance to nbf and exp; it checks iat only against a maximum token age, which we do not set
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.config.auth.issuer,
        audience: this.config.auth.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: CLOCK_SKEW_SECONDS,
      }));
    } catch (error) {
      throw this.rejection(error);
    }
    checkTimes(payload, Date.now() / 1000);
    return payload;
  }

  private rejection(error: unknown): DomainError {
    const code = error instanceof errors.JOSEError ? error.code : undefined;
    if (code === undefined || code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JWKS_INVALID') {
      this.logger.error(`token keys could not be fetched from the issuer: ${(error as Error).message}`);
      return new DomainError(ErrorKind.Unavailable, undefined, 'Service unavailable: the token issuer cannot be reached');
    }
    this.logger.debug(`token rejected (${code}): ${(error as Error).message}`);
    return invalidToken();
  }

  private keys(): Promise<JWTVerifyGetKey> {
    this.keySet ??= this.createKeySet().catch((error: unknown) => {
      this.keySet = undefined;
      throw error;
    });
    return this.keySet;
  }

  private async createKeySet(): Promise<JWTVerifyGetKey> {
    const auth = this.config.auth;
    if (auth.mode === 'development') {
      const key = await loadOrCreateDevelopmentKey(auth.keyFile);
      return createLocalJWKSet({ keys: [key.publicJwk] });
    }
    const jwksUri = auth.jwksUri ?? (await this.discoverJwksUri(auth.issuer));
    return createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: this.config.jwksCooldownMs });
  }

  private async discoverJwksUri(issuer: string): Promise<string> {
    const discovery = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    try {
      const response = await fetch(discovery, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const document = (await response.json()) as { jwks_uri?: unknown };
      if (typeof document.jwks_uri !== 'string') throw new Error('no jwks_uri in the discovery document');
      return document.jwks_uri;
    } catch (error) {
      this.logger.error(`OIDC discovery at ${discovery} failed: ${(error as Error).message}`);
      throw new DomainError(ErrorKind.Unavailable, undefined, 'Service unavailable: the token issuer cannot be reached');
    }
  }
}

/** The time claims jose leaves to us (it has checked that each one present is a number): exp exact, iat within the skew. */
function checkTimes(payload: JWTPayload, nowSeconds: number): void {
  if (payload.exp !== undefined && payload.exp <= nowSeconds) throw invalidToken();
  if (payload.iat !== undefined && payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw invalidToken();
}
