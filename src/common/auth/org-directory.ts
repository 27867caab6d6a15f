/**
 * What the guard needs to know about orgs, implemented by the orgs module. The guard asks only
 * after the caller's permission in that org is established, so existence is never revealed to
 * a caller without rights there.
 */
export abstract class OrgDirectory {
  abstract isActive(orgId: string): Promise<boolean>;
}
