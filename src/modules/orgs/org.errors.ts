import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorKind } from '../../common/errors/error-kind.js';

/** Our own refusals of the org registry's write conditions (ZITADEL has no preconditions). */
export const OrgErrors = {
  sequenceMoved: (current: number, expected: number) =>
    new DomainError(ErrorKind.FailedPrecondition, 'LPF-s3qMoved', `The org is at sequence ${current}, not ${expected}: it changed since you read it; read it again`, undefined, 412),
  nothingToExpect: () =>
    DomainError.invalidArgument('AddOrg creates the org: there is no sequence to expect (If-Match / x-expected-sequence)', [
      { field: 'If-Match', description: 'not allowed on a call that creates' },
    ]),
};
