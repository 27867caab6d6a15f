import assert from 'node:assert/strict';
import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { answerClientError } from '../../src/common/http/http-refusals.js';

/** What node's HTTP parser reports: an Error with a code (and, for parse errors, a reason). */
function clientError(code: string, reason?: string): Error {
  return Object.assign(new Error(reason ? `Parse Error: ${reason}` : code), { code, reason });
}

describe('answers to node\'s clientError, written on the connection itself', () => {
  let server: Server;
  const accepted: Socket[] = [];
  before(async () => {
    server = createServer((socket) => {
      socket.on('error', () => undefined);
      accepted.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  /** Opens a connection, hands its server side to `answer`, and returns what the client read until the close. */
  async function exchange(answer: (socket: Socket) => void): Promise<string> {
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    let read = '';
    client.on('data', (chunk) => (read += chunk));
    const closed = new Promise((resolve) => client.on('close', resolve));
    await new Promise((resolve) => client.on('connect', resolve));
    while (accepted.length === 0) await new Promise((resolve) => setImmediate(resolve));
    answer(accepted.shift()!);
    await closed;
    return read;
  }

  function parsed(text: string): { statusLine: string; headers: string[]; body: unknown } {
    const [head, body] = text.split('\r\n\r\n');
    const [statusLine, ...headers] = head.split('\r\n');
    return { statusLine, headers, body: JSON.parse(body) };
  }

  it('a request that did not arrive in time: 408 with code 4 DEADLINE_EXCEEDED', async () => {
    const answer = parsed(await exchange((socket) => answerClientError(clientError('ERR_HTTP_REQUEST_TIMEOUT'), socket)));
    assert.equal(answer.statusLine, 'HTTP/1.1 408 Request Timeout');
    assert.deepEqual(answer.body, { code: 4, message: 'the request did not arrive in time', details: [] });
    assert.ok(answer.headers.includes('connection: close'));
    assert.ok(answer.headers.some((header) => /^x-request-id: [0-9a-f-]{36}$/.test(header)), answer.headers.join(' | '));
  });

  it('oversized chunk extensions: 413 with code 8; a parse error: 400 with code 3 and node\'s reason', async () => {
    const tooLarge = parsed(await exchange((socket) => answerClientError(clientError('HPE_CHUNK_EXTENSIONS_OVERFLOW'), socket)));
    assert.equal(tooLarge.statusLine, 'HTTP/1.1 413 Payload Too Large');
    assert.equal((tooLarge.body as { code: number }).code, 8);
    const malformed = parsed(await exchange((socket) => answerClientError(clientError('HPE_INVALID_METHOD', 'Invalid method encountered'), socket)));
    assert.equal(malformed.statusLine, 'HTTP/1.1 400 Bad Request');
    assert.deepEqual(malformed.body, { code: 3, message: 'malformed HTTP request: Invalid method encountered', details: [] });
  });

  it('writes nothing into a response already under way on the connection, and closes it', async () => {
    const read = await exchange((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
      (socket as Socket & { _httpMessage?: object })._httpMessage = { headersSent: true };
      answerClientError(clientError('HPE_INVALID_METHOD', 'Invalid method encountered'), socket);
    });
    assert.equal(read, 'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
  });

  it('a reset connection is left alone', async () => {
    const socket = new Socket();
    answerClientError(clientError('ECONNRESET'), socket);
    assert.equal(socket.destroyed, false);
    socket.destroy();
  });
});
