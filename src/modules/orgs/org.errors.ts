import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorKind } from '../../common/errors/error-kind.js';

export const orgNotFound = () => new DomainError(ErrorKind.NotFound, 'Org-n0tFd', 'Organisation not found');
