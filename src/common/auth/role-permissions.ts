import { PERMISSIONS, Permission, isPermission } from './permission.js';

const POLICY_ADMIN: Permission[] = ['policy.read', 'policy.write', 'policy.delete'];

/** The default role → permission map of SPEC §5. */
export const DEFAULT_ROLE_PERMISSIONS: Record<string, Permission[]> = {
  IAM_OWNER: [...PERMISSIONS],
  IAM_OWNER_VIEWER: ['policy.read', 'iam.policy.read', 'iam.read', 'org.read', 'events.read'],
  IAM_ORG_MANAGER: [...POLICY_ADMIN, 'org.create', 'org.read', 'org.delete', 'iam.read'],
  IAM_LOGIN_CLIENT: ['policy.read', 'iam.policy.read', 'org.read'],
  ORG_OWNER: [...POLICY_ADMIN, 'org.read', 'org.delete'],
  ORG_SETTINGS_MANAGER: [...POLICY_ADMIN, 'org.read'],
};

/** What any other org-scoped role (ORG_OWNER_VIEWER, PROJECT_OWNER, …) grants in its orgs. */
export const OTHER_ORG_ROLE_PERMISSIONS: Permission[] = ['policy.read', 'org.read'];

/** Roles with this prefix are instance-wide; all others apply only to the orgs listed with them. */
export const INSTANCE_ROLE_PREFIX = 'IAM_';

/**
 * The effective map: the defaults, with each role named in `AUTH_ROLE_PERMISSIONS` (a JSON object
 * `{"ROLE": ["permission", …]}`) replaced by the configured list.
 */
export function parseRolePermissions(raw: string | undefined): Map<string, Set<Permission>> {
  const map = new Map<string, Set<Permission>>();
  for (const [role, permissions] of Object.entries(DEFAULT_ROLE_PERMISSIONS)) map.set(role, new Set(permissions));
  if (raw === undefined) return map;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('must be a JSON object like {"ROLE": ["policy.read"]}');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('must be a JSON object like {"ROLE": ["policy.read"]}');
  }
  for (const [role, permissions] of Object.entries(parsed)) {
    if (!Array.isArray(permissions) || permissions.some((p) => typeof p !== 'string' || !isPermission(p))) {
      throw new Error(`role ${role}: every entry must be one of ${PERMISSIONS.join(', ')}`);
    }
    map.set(role, new Set(permissions as Permission[]));
  }
  return map;
}
