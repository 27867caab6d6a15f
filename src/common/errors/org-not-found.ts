import { DomainError } from './domain-error.js';
import { ErrorKind } from './error-kind.js';

/**
 * An unknown or removed org: the same answer for both, everywhere. Asked only after the caller's
 * permission in that org is established, so existence is never revealed to a caller without rights there.
 */
export const orgNotFound = () => new DomainError(ErrorKind.NotFound, 'Org-n0tFd', 'Organisation not found');
