/** What opens and closes a transaction's batch, and what ends it after a failure. */
export interface TransactionFrame {
  /** The statements that open a transaction, `setup` (its isolation level) right before START TRANSACTION. */
  begin(setup?: readonly string[]): string[];
  end: readonly string[];
  rollback: string;
}

export const PLAIN_FRAME: TransactionFrame = { begin: (setup = []) => [...setup, 'START TRANSACTION'], end: ['COMMIT'], rollback: 'ROLLBACK' };

/** The savepoint that marks a Galera transaction as still the one its batch opened. */
const WHOLE = 'unit_whole';

/**
 * A transaction on a Galera node. When a write applied from another node aborts the transaction
 * while the server runs a multi-statement batch (brute-force abort), MariaDB may swallow the
 * abort's deadlock error: the batch goes on, each remaining statement commits on its own
 * (autocommit), and the client is told the batch succeeded, so part of a unit of work lands and
 * the rest is lost. Seen here: 8 connections on three nodes, each adding 1 to 12 rows in one
 * transaction for 20 s, left the rows at three different values. So on Galera a transaction runs
 * with autocommit off (what runs after an abort stays uncommitted) and opens a savepoint, which
 * the abort's rollback takes with it: releasing it right before COMMIT fails when the transaction
 * the batch opened is gone, and the batch stops there. With the frame, the same load left every row
 * at the number of batches acknowledged. The rollback after a failure turns autocommit on again
 * before the connection goes back to the pool.
 */
export const GALERA_FRAME: TransactionFrame = {
  begin: (setup = []) => ['SET autocommit = 0', ...setup, 'START TRANSACTION', `SAVEPOINT ${WHOLE}`],
  end: [`RELEASE SAVEPOINT ${WHOLE}`, 'COMMIT', 'SET autocommit = 1'],
  rollback: 'ROLLBACK; SET autocommit = 1',
};

/**
 * The failure of a batch in GALERA_FRAME whose transaction was aborted meanwhile (its savepoint
 * is gone) as the conflict it is, so the unit runs again; any other failure as it is.
 */
export function abortedAsConflict(error: unknown): unknown {
  const failure = error as { code?: unknown; message?: unknown } | undefined;
  if (failure?.code !== 'ER_SP_DOES_NOT_EXIST' || !String(failure.message).includes(WHOLE)) return error;
  return Object.assign(new Error('the transaction was aborted by a conflicting write from another Galera node while its batch ran; nothing of it was committed'), {
    code: 'ER_LOCK_DEADLOCK',
    cause: error,
  });
}
