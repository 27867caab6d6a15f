import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorKind } from '../../src/common/errors/error-kind.js';
import { translateError } from '../../src/common/errors/error-translation.js';

const driverError = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

describe('database failures that mean an outage answer UNAVAILABLE (503 / code 14), not INTERNAL', () => {
  for (const [name, error] of [
    ['a connection refused', driverError('connect ECONNREFUSED 127.0.0.1:3306', { code: 'ECONNREFUSED' })],
    ['a Galera node not ready (errno 1047)', driverError('WSREP has not yet prepared node for application use', { code: 'ER_UNKNOWN_COM_ERROR', errno: 1047 })],
    [
      'a commit a Galera node could not replicate (errno 1180)',
      driverError('Error while appending streaming replication fragment(provider status: Not connected to Primary Component)', { code: 'ER_ERROR_DURING_COMMIT', errno: 1180 }),
    ],
    ['a connection the server killed', driverError('Connection was killed', { code: 'ER_CONNECTION_KILLED', errno: 1927 })],
    ['a command on a connection already closed (mysql2 marks it fatal, with no code)', driverError("Can't add new command when connection is in closed state", { fatal: true })],
  ] as const) {
    it(name, () => assert.equal(translateError(error)?.kind, ErrorKind.Unavailable));
  }

  it('an unexpected error stays unexpected (INTERNAL, by the caller)', () => {
    assert.equal(translateError(new Error('a bug')), undefined);
    assert.equal(translateError(driverError('syntax', { code: 'ER_PARSE_ERROR', fatal: false })), undefined);
  });
});
