import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { DomainError } from '../errors/domain-error.js';
import { ErrorKind } from '../errors/error-kind.js';
import { AuthContext } from './auth-context.js';
import { authContextFromClaims } from './role-claim.js';
import { TokenVerifier, invalidToken } from './token-verifier.service.js';

/** Turns an `authorization` header value (from any door) into the verified caller. */
@Injectable()
export class Authenticator {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly config: AppConfig,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AuthContext> {
    if (authorization === undefined || authorization.trim() === '') {
      throw new DomainError(ErrorKind.Unauthenticated, undefined, 'auth header missing');
    }
    const match = /^bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw invalidToken();
    const claims = await this.verifier.verify(match[1]);
    return authContextFromClaims(claims, this.config.rolePermissions);
  }
}
