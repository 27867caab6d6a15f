import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

// gRPC-web requests built byte by byte, and answers compared byte by byte with what the
// protocol and the .proto files say they must be (nothing here uses the service's own codecs)

const ADMIN = '/zitadel.admin.v1.AdminService';

function frame(flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = flags;
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

const dataFrame = (payload: Buffer) => frame(0x00, payload);
const trailerFrame = (text: string) => frame(0x80, Buffer.from(text, 'latin1'));

// protobuf by hand: varints and length-delimited fields
function varint(value: bigint | number): Buffer {
  let rest = BigInt(value);
  const bytes: number[] = [];
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return Buffer.from(bytes);
}
const intField = (number: number, value: bigint | number) => Buffer.concat([varint(number << 3), varint(value)]);
const bytesField = (number: number, value: Buffer | string) => {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
};
function timestamp(iso: string): Buffer {
  const millis = Date.parse(iso);
  const nanos = (millis % 1000) * 1_000_000;
  return Buffer.concat([intField(1, Math.floor(millis / 1000)), ...(nanos ? [intField(2, nanos)] : [])]);
}

/** `google.rpc.Status` with one `zitadel.v1.ErrorDetail`, as grpc-status-details-bin carries it (unpadded base64). */
function statusWithErrorDetail(code: number, id: string, text: string): string {
  const detail = Buffer.concat([bytesField(1, id), bytesField(2, text)]);
  const any = Buffer.concat([bytesField(1, 'type.googleapis.com/zitadel.v1.ErrorDetail'), bytesField(2, detail)]);
  const status = Buffer.concat([intField(1, code), bytesField(2, `${text} (${id})`), bytesField(3, any)]);
  return status.toString('base64').replace(/=+$/, '');
}

interface WireAnswer {
  status: number;
  contentType: string | null;
  bytes: Buffer;
  text: string;
}

/** Splits a response body into frames (the test's own reader). */
function framesOf(body: Buffer): { flags: number; payload: Buffer }[] {
  const frames = [];
  for (let offset = 0; offset < body.length; ) {
    const length = body.readUInt32BE(offset + 1);
    frames.push({ flags: body[offset], payload: body.subarray(offset + 5, offset + 5 + length) });
    offset += 5 + length;
  }
  return frames;
}

/** The trailer frame's `grpc-status` and `grpc-message` of a binary body. */
function trailersOf(body: Buffer): Record<string, string> {
  const trailer = framesOf(body).find((f) => f.flags === 0x80);
  assert.ok(trailer, 'a trailer frame');
  const entries = trailer.payload.toString('latin1').split('\r\n').filter(Boolean).map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1)];
  });
  return Object.fromEntries(entries);
}

describe('gRPC-web door on the wire (hand-built frames)', () => {
  let app: TestApp;
  let token: string;

  async function post(path: string, contentType: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<WireAnswer> {
    const response = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
    const bytes = Buffer.from(await response.arrayBuffer());
    return { status: response.status, contentType: response.headers.get('content-type'), bytes, text: bytes.toString('latin1') };
  }
  const auth = () => ({ authorization: `Bearer ${token}` });

  /** A failed call: HTTP 200, the request's content type, no data frame, and the trailers given. */
  function assertFailure(answer: WireAnswer, contentType: string, code: number, messagePrefix: string): void {
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.contentType, contentType);
    const body = contentType.includes('text') ? Buffer.from(answer.text, 'base64') : answer.bytes;
    const frames = framesOf(body);
    assert.deepEqual(frames.map((f) => f.flags), [0x80], 'only the trailer frame');
    const trailers = trailersOf(body);
    assert.equal(trailers['grpc-status'], String(code), JSON.stringify(trailers));
    assert.ok(decodeURIComponent(trailers['grpc-message']).startsWith(messagePrefix), trailers['grpc-message']);
    assert.match(trailers['grpc-status-details-bin'], /^[A-Za-z0-9+/]+$/, 'details in unpadded base64');
  }

  before(async () => {
    app = await TestApp.start();
    token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
  });
  after(() => app.close());

  it('grpc-web-text: Health/Check answers exactly one data frame (status SERVING) and the OK trailers', async () => {
    const request = dataFrame(Buffer.alloc(0)).toString('base64');
    assert.equal(request, 'AAAAAAA=');
    const answer = await post('/grpc.health.v1.Health/Check', 'application/grpc-web-text', request);
    assert.equal(answer.status, 200);
    assert.equal(answer.contentType, 'application/grpc-web-text');
    const expected = Buffer.concat([dataFrame(Buffer.from([0x08, 0x01])), trailerFrame('grpc-status:0\r\ngrpc-message:\r\n')]);
    assert.equal(answer.text, expected.toString('base64'));
    assert.equal(answer.text, 'AAAAAAIIAYAAAAAeZ3JwYy1zdGF0dXM6MA0KZ3JwYy1tZXNzYWdlOg0K');
    // the server stream Health/Watch: its one message, then the trailers
    const watched = await post('/grpc.health.v1.Health/Watch', 'application/grpc-web+proto', dataFrame(Buffer.alloc(0)));
    assert.equal(watched.bytes.toString('hex'), expected.toString('hex'));
  });

  it('grpc-web-text in two padded base64 pieces: AddSecondFactor answers the ObjectDetails the REST door reads back', async () => {
    const request = dataFrame(intField(1, 3)); // type: SECOND_FACTOR_TYPE_OTP_EMAIL
    const pieces = request.subarray(0, 4).toString('base64') + request.subarray(4).toString('base64');
    assert.equal(pieces, 'AAAAAA==AggD');
    const answer = await post(`${ADMIN}/AddSecondFactorToLoginPolicy`, 'application/grpc-web-text', pieces, auth());
    assert.equal(answer.status, 200, answer.text);

    const policy = await app.request('GET', '/admin/v1/policies/login', { token });
    const { sequence, changeDate, resourceOwner } = policy.body.policy.details;
    assert.ok(policy.body.policy.secondFactors.includes('SECOND_FACTOR_TYPE_OTP_EMAIL'));
    // AddSecondFactorToLoginPolicyResponse { details = 1: ObjectDetails { sequence = 1, creation_date = 2, change_date = 3, resource_owner = 4 } }
    const details = Buffer.concat([intField(1, BigInt(sequence)), bytesField(2, timestamp(changeDate)), bytesField(3, timestamp(changeDate)), bytesField(4, resourceOwner)]);
    const expected = Buffer.concat([dataFrame(bytesField(1, details)), trailerFrame('grpc-status:0\r\ngrpc-message:\r\n')]);
    assert.equal(Buffer.from(answer.text, 'base64').toString('hex'), expected.toString('hex'));
    assert.equal(answer.text, expected.toString('base64'));
  });

  it('application/grpc-web+proto: a duplicate add answers only the trailers, with the Status and ErrorDetail in grpc-status-details-bin', async () => {
    const request = dataFrame(intField(1, 4)); // SECOND_FACTOR_TYPE_OTP_SMS
    const first = await post(`${ADMIN}/AddSecondFactorToLoginPolicy`, 'application/grpc-web+proto', request, auth());
    assert.equal(trailersOf(first.bytes)['grpc-status'], '0');
    const duplicate = await post(`${ADMIN}/AddSecondFactorToLoginPolicy`, 'application/grpc-web+proto', request, auth());
    assert.equal(duplicate.status, 200);
    assert.equal(duplicate.contentType, 'application/grpc-web+proto');
    const expected = trailerFrame(
      'grpc-status:6\r\n' +
        'grpc-message:Multifactor already exists (INSTANCE-2B0ps)\r\n' +
        `grpc-status-details-bin:${statusWithErrorDetail(6, 'INSTANCE-2B0ps', 'Multifactor already exists')}\r\n`,
    );
    assert.equal(duplicate.bytes.toString('hex'), expected.toString('hex'));
  });

  it('reads the token and the org from the HTTP headers, as gRPC metadata', async () => {
    const noToken = await post(`${ADMIN}/ListLoginPolicySecondFactors`, 'application/grpc-web+proto', dataFrame(Buffer.alloc(0)));
    assertFailure(noToken, 'application/grpc-web+proto', 16, 'auth header missing');
    const unknownOrg = await post('/zitadel.management.v1.ManagementService/ListLoginPolicySecondFactors', 'application/grpc-web+proto', dataFrame(Buffer.alloc(0)), {
      ...auth(),
      'x-zitadel-orgid': '424242',
    });
    assertFailure(unknownOrg, 'application/grpc-web+proto', 5, 'Organisation not found');
  });

  it('unknown services and methods answer UNIMPLEMENTED (12) in the trailers', async () => {
    const empty = dataFrame(Buffer.alloc(0));
    assertFailure(await post('/zitadel.nope.v1.NopeService/Foo', 'application/grpc-web+proto', empty), 'application/grpc-web+proto', 12, 'unknown service zitadel.nope.v1.NopeService');
    assertFailure(await post(`${ADMIN}/Nope`, 'application/grpc-web+proto', empty), 'application/grpc-web+proto', 12, 'unknown method Nope of service zitadel.admin.v1.AdminService');
    assertFailure(await post('/not-a-method', 'application/grpc-web-text', empty.toString('base64')), 'application/grpc-web-text', 12, 'unknown service not-a-method');
    const json = await post(`${ADMIN}/ListLoginPolicySecondFactors`, 'application/grpc-web+json', '{}', auth());
    assertFailure(json, 'application/grpc-web+json', 12, 'the gRPC-web json codec is not supported');
    const compressed = await post(`${ADMIN}/ListLoginPolicySecondFactors`, 'application/grpc-web+proto', frame(0x01, Buffer.alloc(0)), auth());
    assertFailure(compressed, 'application/grpc-web+proto', 12, 'compressed gRPC-web messages are not supported');
  });

  it('malformed frames and messages answer INVALID_ARGUMENT (3), never an HTTP error page', async () => {
    const path = `${ADMIN}/AddSecondFactorToLoginPolicy`;
    const binary = 'application/grpc-web+proto';
    const cases: [string, Buffer | string, string, string][] = [
      ['no frame', Buffer.alloc(0), binary, 'malformed gRPC-web request: the request must be exactly one data frame, got 0 frames'],
      ['a cut header', Buffer.from([0, 0, 0]), binary, 'malformed gRPC-web request: a frame needs a 5-byte header, only 3 bytes are left at byte 0'],
      ['a cut payload', Buffer.from([0, 0, 0, 0, 9, 8, 3]), binary, 'malformed gRPC-web request: the frame at byte 0 announces 9 bytes but 2 follow'],
      ['two data frames', Buffer.concat([dataFrame(intField(1, 3)), dataFrame(intField(1, 3))]), binary, 'malformed gRPC-web request: the request must be exactly one data frame, got 2 frames'],
      ['a trailer frame only', trailerFrame('x:y\r\n'), binary, 'malformed gRPC-web request: the request must be exactly one data frame, got 1 frame (a trailer frame)'],
      ['unknown flags', frame(0x02, Buffer.alloc(0)), binary, 'malformed gRPC-web request: unknown frame flags 0x02 at byte 0'],
      ['a message that is no protobuf', dataFrame(Buffer.from([0x0a, 0x05, 0x01])), binary, 'malformed gRPC-web request: the message is not a valid AddSecondFactorToLoginPolicyRequest'],
      ['text that is no base64', 'AAAA!AAA', 'application/grpc-web-text', 'malformed gRPC-web request: the body of an application/grpc-web-text request is not base64'],
      ['base64 of a cut frame', 'AAAA', 'application/grpc-web-text', 'malformed gRPC-web request: a frame needs a 5-byte header'],
    ];
    for (const [name, body, contentType, message] of cases) {
      const answer = await post(path, contentType, body, auth());
      try {
        assertFailure(answer, contentType, 3, message);
      } catch (error) {
        assert.fail(`${name}: ${(error as Error).message}`);
      }
    }
    // a valid frame with an invalid enum value is the same INVALID_ARGUMENT as on the other doors
    const zero = await post(path, binary, dataFrame(intField(1, 0)), auth());
    assertFailure(zero, binary, 3, 'invalid AddSecondFactorToLoginPolicyRequest.Type: value must not be in list [0]');
    // nothing of the refused requests was written
    const list = await app.request('POST', '/admin/v1/policies/login/second_factors/_search', { token });
    assert.deepEqual(list.body.result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F', 'SECOND_FACTOR_TYPE_OTP_EMAIL', 'SECOND_FACTOR_TYPE_OTP_SMS']);
  });

  it('a malformed message without a token, or with a forged one, answers UNAUTHENTICATED (16), not INVALID_ARGUMENT (SPEC §5)', async () => {
    const path = `${ADMIN}/AddSecondFactorToLoginPolicy`;
    const binary = 'application/grpc-web+proto';
    const noProtobuf = dataFrame(Buffer.from([0x0a, 0x05, 0x01]));
    assertFailure(await post(path, binary, noProtobuf), binary, 16, 'auth header missing');
    assertFailure(await post(path, binary, Buffer.from([0, 0, 0])), binary, 16, 'auth header missing');
    assertFailure(await post(path, 'application/grpc-web-text', 'AAAA!AAA'), 'application/grpc-web-text', 16, 'auth header missing');
    assertFailure(await post(path, binary, noProtobuf, { authorization: `Bearer ${token.slice(0, -4)}AAAA` }), binary, 16, 'Errors.Token.Invalid');
    // with a valid token the same message is the caller's mistake
    assertFailure(await post(path, binary, noProtobuf, auth()), binary, 3, 'malformed gRPC-web request');
  });

  it('a POST of another content type to a method without a token answers 401, with a token 415', async () => {
    const path = `${ADMIN}/AddSecondFactorToLoginPolicy`;
    const without = await post(path, 'application/json', '{"type": ');
    assert.equal(without.status, 401, without.text);
    assert.equal(JSON.parse(without.text).code, 16);
    const withToken = await post(path, 'application/json', '{"type": ', auth());
    assert.equal(withToken.status, 415, withToken.text);
    assert.equal(JSON.parse(withToken.text).code, 3);
  });

  it('protobuf nested 10,000 groups deep (an unknown field) answers INVALID_ARGUMENT (3), not INTERNAL', async () => {
    // field 15 as a start-group tag, 10,000 times, then as many end-group tags
    const deep = Buffer.concat([Buffer.alloc(10_000, (15 << 3) | 3), Buffer.alloc(10_000, (15 << 3) | 4)]);
    const answer = await post(`${ADMIN}/AddSecondFactorToLoginPolicy`, 'application/grpc-web+proto', dataFrame(Buffer.concat([intField(1, 3), deep])), auth());
    assertFailure(answer, 'application/grpc-web+proto', 3, 'malformed gRPC-web request: the message is not a valid AddSecondFactorToLoginPolicyRequest: maximum nesting depth exceeded');
  });

  it('AddOrg with a NUL in the name answers INVALID_ARGUMENT (3) naming the field, as on the other doors', async () => {
    const answer = await post('/zitadel.management.v1.ManagementService/AddOrg', 'application/grpc-web+proto', dataFrame(bytesField(1, 'AC\u0000ME')), auth());
    assertFailure(answer, 'application/grpc-web+proto', 3, 'invalid AddOrgRequest.Name: value must not contain control characters');
  });

  it('a body over the limit answers RESOURCE_EXHAUSTED (8) in the trailers', async () => {
    const answer = await post(`${ADMIN}/AddSecondFactorToLoginPolicy`, 'application/grpc-web+proto', dataFrame(Buffer.alloc(2 * 1024 * 1024)), auth());
    assertFailure(answer, 'application/grpc-web+proto', 8, 'Request body is too large');
  });

  it('a method path without a gRPC-web content type is a 415 in the JSON error shape; other verbs a 405', async () => {
    const json = await app.request('POST', `${ADMIN}/ListLoginPolicySecondFactors`, { token, body: {} });
    assert.equal(json.status, 415);
    assert.deepEqual(json.body, {
      code: 3,
      message: `${ADMIN}/ListLoginPolicySecondFactors is a gRPC-web method: send Content-Type application/grpc-web+proto or application/grpc-web-text`,
      details: [],
    });
    const get = await app.request('GET', `${ADMIN}/ListLoginPolicySecondFactors`, { token });
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    // a REST path keeps answering JSON errors, whatever the content type
    const rest = await post('/admin/v1/policies/login/second_factors', 'application/grpc-web+proto', dataFrame(intField(1, 3)), auth());
    assert.equal(rest.status, 400);
    assert.equal(JSON.parse(rest.text).code, 3);
  });
});
