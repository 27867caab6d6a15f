import { SignJWT, importJWK } from 'jose';
import { DevelopmentKey } from './development-key.js';
import { RESOURCE_OWNER_CLAIM, ROLES_CLAIM } from './role-claim.js';

export interface DevelopmentTokenRequest {
  subject: string;
  /** `ROLE` (instance-wide `IAM_*`) or `ROLE:<orgId>[,<orgId>…]` (org roles). */
  roles: string[];
  /** The caller's own org (resource owner claim). */
  org?: string;
  issuer: string;
  audience?: string;
  /** jose time span, e.g. `1h`, `30m`, `-5m` (already expired). */
  expiresIn: string;
}

/** Signs a token shaped like ZITADEL's access tokens with the development key. */
export async function signDevelopmentToken(key: DevelopmentKey, request: DevelopmentTokenRequest): Promise<string> {
  const roles: Record<string, Record<string, string>> = {};
  for (const spec of request.roles) {
    const [role, orgList] = spec.split(':', 2);
    const orgs = orgList ? orgList.split(',').filter(Boolean) : request.org ? [request.org] : [];
    roles[role] = { ...roles[role], ...Object.fromEntries(orgs.map((org) => [org, `${org}.localhost`])) };
  }
  const claims: Record<string, unknown> = { [ROLES_CLAIM]: roles };
  if (request.org) claims[RESOURCE_OWNER_CLAIM] = request.org;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: key.privateJwk.alg ?? 'RS256', kid: key.kid, typ: 'JWT' })
    .setSubject(request.subject)
    .setIssuer(request.issuer)
    .setIssuedAt()
    .setExpirationTime(request.expiresIn);
  if (request.audience) jwt.setAudience(request.audience);
  return jwt.sign(await importJWK(key.privateJwk, key.privateJwk.alg ?? 'RS256'));
}
