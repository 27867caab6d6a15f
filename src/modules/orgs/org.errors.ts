import { sequenceMoved } from '../../common/api/write-conditions.js';
import { DomainError } from '../../common/errors/domain-error.js';

/** Our own refusals of the org registry's write conditions (ZITADEL has no preconditions). */
export const OrgErrors = {
  sequenceMoved: (current: number, expected: number) => sequenceMoved('The org', current, expected),
  nothingToExpect: () =>
    DomainError.invalidArgument('AddOrg creates the org: there is no sequence to expect (If-Match / x-expected-sequence)', [
      { field: 'If-Match', description: 'not allowed on a call that creates' },
    ]),
};
