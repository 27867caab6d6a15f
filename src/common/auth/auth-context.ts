import { Permission } from './permission.js';

/**
 * The authenticated caller, built once per request from a verified token and handed to every
 * door in the same form.
 */
export class AuthContext {
  constructor(
    /** `sub` of the token. */
    readonly userId: string,
    /** The caller's own org (`urn:zitadel:iam:user:resourceowner:id`), when the token names one. */
    readonly ownOrgId: string | undefined,
    /** Permissions granted instance-wide (from `IAM_*` roles). */
    private readonly instancePermissions: ReadonlySet<Permission>,
    /** Permissions granted per org id (from org roles). */
    private readonly orgPermissions: ReadonlyMap<string, ReadonlySet<Permission>>,
  ) {}

  /** Whether the caller holds `permission` on the instance itself. */
  canOnInstance(permission: Permission): boolean {
    return this.instancePermissions.has(permission);
  }

  /** Whether the caller holds `permission` in org `orgId` (instance-wide roles count everywhere). */
  canInOrg(permission: Permission, orgId: string): boolean {
    return this.canOnInstance(permission) || (this.orgPermissions.get(orgId)?.has(permission) ?? false);
  }
}
