import { Injectable } from '@nestjs/common';
import { JWTPayload } from 'jose';
import { AppConfig } from '../config/app-config.js';
import { HeaderValue } from '../http/raw-header.js';
import { authHeaderMissing } from './access-refusals.js';
import { AuthContext } from './auth-context.js';
import { authContextFromClaims } from './role-claim.js';
import { MAX_AUTHORIZATION_LENGTH, isCanonicalCompactJws } from './token-form.js';
import { TokenVerifier, invalidToken } from './token-verifier.service.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/**
 * The longest a verified token is trusted without being verified again, even before its `exp`:
 * a key the issuer withdraws stops working within this time, as it does when jose re-reads the JWKS.
 */
const REVERIFY_AFTER_MS = 5 * 60_000;

/** Turns an `authorization` header value (from any door) into the verified caller. */
@Injectable()
export class Authenticator {
  private readonly verified: VerifiedTokenCache<AuthContext>;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly config: AppConfig,
  ) {
    this.verified = new VerifiedTokenCache(config.auth.tokenCacheSize);
  }

  /**
   * The caller; synchronously when the token was verified before (the hot path), else once it is
   * verified. The cache holds only values that passed every check below, compared whole, so a hit
   * needs none of them again.
   */
  authenticate(authorization: HeaderValue): AuthContext | Promise<AuthContext> {
    return this.remembered(authorization) ?? this.verify(authorization as string);
  }

  /**
   * The caller of a value verified before, or undefined when `verify` has to be asked; throws the
   * 401 of a header that is missing, empty or repeated.
   */
  remembered(authorization: HeaderValue): AuthContext | undefined {
    if (typeof authorization !== 'string') {
      // sent more than once: which one the caller meant is ambiguous (a proxy may have checked another), so none counts
      if (authorization !== undefined) throw invalidToken();
      throw authHeaderMissing();
    }
    if (authorization.trim() === '') throw authHeaderMissing();
    return this.verified.get(authorization, Date.now());
  }

  /** Verifies a value `remembered` did not know, and remembers it. */
  async verify(authorization: string): Promise<AuthContext> {
    const now = Date.now();
    // before anything is parsed, decoded or verified: doors without a header limit (gRPC, the bus) pass any length
    if (authorization.length > MAX_AUTHORIZATION_LENGTH) throw invalidToken();
    const match = /^bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match || !isCanonicalCompactJws(match[1])) throw invalidToken();
    const claims = await this.verifier.verify(match[1]);
    const caller = authContextFromClaims(claims, this.config.rolePermissions);
    const expiresAt = expiryOf(claims);
    if (expiresAt !== undefined) this.verified.set(authorization, caller, Math.min(expiresAt, now + REVERIFY_AFTER_MS));
    return caller;
  }

  /** How many verified tokens are kept (for tests and metrics). */
  get cachedTokens(): number {
    return this.verified.size;
  }
}

/** When the token expires (epoch ms); tokens without `exp` are verified on every use. */
function expiryOf(claims: JWTPayload): number | undefined {
  return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
}
