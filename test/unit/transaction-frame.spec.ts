import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GALERA_FRAME, PLAIN_FRAME, abortedAsConflict } from '../../src/common/database/transaction-frame.js';
import { isDuplicateKey, isRetryableConflict } from '../../src/common/database/retryable-conflict.js';

describe('a transaction on a Galera node: its frame, and the failure of a batch whose transaction an abort took', () => {
  it('opens with autocommit off and a savepoint after any setup, and releases the savepoint right before COMMIT', () => {
    assert.deepEqual(GALERA_FRAME.begin(['SET TRANSACTION ISOLATION LEVEL READ COMMITTED']), [
      'SET autocommit = 0',
      'SET TRANSACTION ISOLATION LEVEL READ COMMITTED',
      'START TRANSACTION',
      'SAVEPOINT unit_whole',
    ]);
    assert.deepEqual(GALERA_FRAME.end, ['RELEASE SAVEPOINT unit_whole', 'COMMIT', 'SET autocommit = 1']);
    assert.match(GALERA_FRAME.rollback, /^ROLLBACK; SET autocommit = 1$/);
    assert.deepEqual(PLAIN_FRAME.begin(), ['START TRANSACTION']);
    assert.deepEqual(PLAIN_FRAME.end, ['COMMIT']);
  });

  it('a release of the frame\'s vanished savepoint is a conflict to run again, not a duplicate key', () => {
    const released = Object.assign(new Error('SAVEPOINT unit_whole does not exist'), { code: 'ER_SP_DOES_NOT_EXIST', errno: 1305 });
    const conflict = abortedAsConflict(released);
    assert.equal(isRetryableConflict(released), false);
    assert.equal(isRetryableConflict(conflict), true);
    assert.equal(isDuplicateKey(conflict), false);
    assert.equal((conflict as Error & { cause?: unknown }).cause, released);
  });

  it('any other failure stays as it is', () => {
    const other = Object.assign(new Error('SAVEPOINT some_other does not exist'), { code: 'ER_SP_DOES_NOT_EXIST' });
    const duplicate = Object.assign(new Error("Duplicate entry '1' for key 'PRIMARY'"), { code: 'ER_DUP_ENTRY' });
    assert.equal(abortedAsConflict(other), other);
    assert.equal(abortedAsConflict(duplicate), duplicate);
    assert.equal(abortedAsConflict(undefined), undefined);
  });
});
