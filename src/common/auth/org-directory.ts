import { DomainError } from '../errors/domain-error.js';
import { ErrorKind } from '../errors/error-kind.js';

/** An unknown or removed org: the same answer for both, everywhere. */
export const orgNotFound = () => new DomainError(ErrorKind.NotFound, 'Org-n0tFd', 'Organisation not found');

/**
 * What the guard needs to know about orgs, implemented by the orgs module. The guard asks only
 * after the caller's permission in that org is established, so existence is never revealed to
 * a caller without rights there.
 */
export abstract class OrgDirectory {
  abstract isActive(orgId: string): Promise<boolean>;
}
