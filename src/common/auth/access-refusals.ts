import { DomainError } from '../errors/domain-error.js';
import { badRequestDetail } from '../errors/error-detail.js';
import { ErrorKind } from '../errors/error-kind.js';

export const ORG_HEADER = 'x-zitadel-orgid';

export const PERMISSION_DENIED_ID = 'AUTH-5mWD2';
export const PERMISSION_DENIED_MESSAGE = 'No matching permissions found';

/** The access rule's refusals (SPEC §5), written once for the guard and for the API documentation. */
export const authHeaderMissing = () => new DomainError(ErrorKind.Unauthenticated, undefined, 'auth header missing');

export const permissionDenied = () => new DomainError(ErrorKind.PermissionDenied, PERMISSION_DENIED_ID, PERMISSION_DENIED_MESSAGE);

export const noOrganisationGiven = () =>
  new DomainError(ErrorKind.InvalidArgument, undefined, `no organisation given: send the ${ORG_HEADER} header or use a token of a user in an org`, [
    badRequestDetail([{ field: ORG_HEADER, description: 'required when the token names no org of its own' }]),
  ]);
