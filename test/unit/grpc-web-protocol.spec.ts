import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTextBody, grpcWebContentType, readFrames, responseBody } from '../../src/common/grpc-web/grpc-web-protocol.js';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { ErrorKind } from '../../src/common/errors/error-kind.js';

const invalid = (message: RegExp) => (error: unknown) => error instanceof DomainError && error.kind === ErrorKind.InvalidArgument && message.test(error.message);

describe('gRPC-web wire format', () => {
  it('recognises the gRPC-web content types, with and without codec and parameters', () => {
    assert.deepEqual(grpcWebContentType('application/grpc-web'), { mediaType: 'application/grpc-web', text: false, codec: 'proto' });
    assert.deepEqual(grpcWebContentType('Application/GRPC-Web+proto; charset=utf-8'), { mediaType: 'application/grpc-web+proto', text: false, codec: 'proto' });
    assert.deepEqual(grpcWebContentType('application/grpc-web-text'), { mediaType: 'application/grpc-web-text', text: true, codec: 'proto' });
    assert.deepEqual(grpcWebContentType('application/grpc-web-text+json'), { mediaType: 'application/grpc-web-text+json', text: true, codec: 'json' });
    for (const other of [undefined, '', 'application/json', 'application/grpc', 'application/grpc+proto', 'application/grpc-webx']) {
      assert.equal(grpcWebContentType(other), undefined, String(other));
    }
  });

  it('splits frames and refuses anything that is not whole frames', () => {
    const body = Buffer.from([0x00, 0, 0, 0, 2, 0x08, 0x01, 0x80, 0, 0, 0, 0, 0x01, 0, 0, 0, 0]);
    assert.deepEqual(
      readFrames(body).map((f) => [f.trailer, f.compressed, f.payload.toString('hex')]),
      [
        [false, false, '0801'],
        [true, false, ''],
        [false, true, ''],
      ],
    );
    assert.deepEqual(readFrames(Buffer.alloc(0)), []);
    assert.throws(() => readFrames(Buffer.from([0, 0, 0, 0])), invalid(/5-byte header, only 4 bytes are left at byte 0/));
    assert.throws(() => readFrames(Buffer.from([0, 0, 0, 0, 3, 1])), invalid(/announces 3 bytes but 1 follow/));
    assert.throws(() => readFrames(Buffer.from([0x40, 0, 0, 0, 0])), invalid(/unknown frame flags 0x40/));
  });

  it('decodes base64 text sent in pieces, each padded on its own', () => {
    assert.equal(decodeTextBody(Buffer.from('AAAAAA==AggD')).toString('hex'), '00000000020803');
    assert.equal(decodeTextBody(Buffer.from('AAAAAAIIAQ==\r\n')).toString('hex'), '00000000020801');
    assert.equal(decodeTextBody(Buffer.from('AAAAAAIIAQ')).toString('hex'), '00000000020801', 'unpadded');
    assert.equal(decodeTextBody(Buffer.alloc(0)).length, 0);
    for (const bad of ['AAAA!', 'A', 'AA=A', 'AAAAA===', 'AAA-', 'AAAAA=']) {
      assert.throws(() => decodeTextBody(Buffer.from(bad)), invalid(/not base64/), bad);
    }
  });

  it('writes data frames, then the trailers with a percent-encoded message and unpadded details', () => {
    const ok = responseBody([Buffer.from([0x08, 0x01])], { code: 0, message: '' }, false);
    assert.equal(ok.toString('latin1'), '\x00\x00\x00\x00\x02\x08\x01\x80\x00\x00\x00\x1egrpc-status:0\r\ngrpc-message:\r\n');
    const failed = responseBody([], { code: 3, message: 'Größe 100% \r\n ok', details: Buffer.from([1, 2, 3, 4]) }, false);
    assert.equal(failed.subarray(5).toString('latin1'), 'grpc-status:3\r\ngrpc-message:Gr%C3%B6%C3%9Fe 100%25 %0D%0A ok\r\ngrpc-status-details-bin:AQIDBA\r\n');
    assert.equal(failed.readUInt32BE(1), failed.length - 5);
    assert.equal(failed[0], 0x80);
    assert.equal(responseBody([], { code: 0, message: '' }, true).toString('latin1'), 'gAAAAB5ncnBjLXN0YXR1czowDQpncnBjLW1lc3NhZ2U6DQo=');
  });
});
