import { AuthContext } from './auth-context.js';
import { Permission } from './permission.js';
import { INSTANCE_ROLE_PREFIX, OTHER_ORG_ROLE_PERMISSIONS } from './role-permissions.js';

export const ROLES_CLAIM = 'urn:zitadel:iam:org:project:roles';
export const RESOURCE_OWNER_CLAIM = 'urn:zitadel:iam:user:resourceowner:id';

/**
 * Builds the caller from verified claims. The roles claim is `{"ROLE": {"<orgId>": "<domain>"}}`;
 * anything of another shape grants nothing.
 */
export function authContextFromClaims(
  claims: Record<string, unknown>,
  rolePermissions: ReadonlyMap<string, ReadonlySet<Permission>>,
): AuthContext {
  const instance = new Set<Permission>();
  const perOrg = new Map<string, Set<Permission>>();
  const roles = claims[ROLES_CLAIM];
  if (roles && typeof roles === 'object' && !Array.isArray(roles)) {
    for (const [role, orgs] of Object.entries(roles as Record<string, unknown>)) {
      const isInstanceRole = role.startsWith(INSTANCE_ROLE_PREFIX);
      const granted = rolePermissions.get(role) ?? (isInstanceRole ? [] : OTHER_ORG_ROLE_PERMISSIONS);
      if (isInstanceRole) {
        for (const permission of granted) instance.add(permission);
        continue;
      }
      if (!orgs || typeof orgs !== 'object' || Array.isArray(orgs)) continue;
      for (const orgId of Object.keys(orgs)) {
        const set = perOrg.get(orgId) ?? new Set<Permission>();
        for (const permission of granted) set.add(permission);
        perOrg.set(orgId, set);
      }
    }
  }
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  const ownOrg = claims[RESOURCE_OWNER_CLAIM];
  return new AuthContext(sub, typeof ownOrg === 'string' && ownOrg !== '' ? ownOrg : undefined, instance, perOrg);
}
