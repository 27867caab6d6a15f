import fc from 'fast-check';
import { CREDENTIAL_NAMES, FORGED_CREDENTIALS, ODD_CREDENTIALS, VALID_CREDENTIALS } from './fuzz-credentials.js';
import { bodyText, hostileString } from './hostile-json.js';
import { Operation, Schema } from './openapi-operations.js';

/**
 * One generated request, symbolic where the concrete value depends on the app it is sent to:
 * credentials by name, orgs by reference (resolved by fuzz-request-sender.ts). So a seed makes the
 * same requests against every app and database.
 */
export interface FuzzRequest {
  operationId: string;
  method: string;
  /** Path template with `{name}` parameters, possibly bent (trailing slash, double slash, …). */
  path: string;
  pathParams: Record<string, ParamValue>;
  /** `''` or `?…`, as sent. */
  query: string;
  /** Credential names, one header line each (two lines: a repeated header). */
  authorization: string[];
  /** `x-zitadel-orgid` lines. */
  orgIds: OrgRef[];
  /** Other header lines, as sent. */
  headers: [string, string][];
  body?: string;
  /** How the body travels: with a Content-Length, or chunked. */
  framing: 'length' | 'chunked';
  /** Sent as raw bytes with this defect instead of through node's HTTP client. */
  wireDefect?: WireDefect;
}

/** An org: one of the most recently created (`recent`, counted back), or a value that names none. */
export type OrgRef = { recent: number } | { removed: true } | { instance: true } | { text: string };
export type ParamValue = { text: string } | { org: OrgRef };

export const WIRE_DEFECTS = [
  'control-character-in-header',
  'bare-line-feeds',
  'space-before-colon',
  'two-content-lengths',
  'content-length-and-chunked',
  'bad-chunk-size',
  'space-in-target',
  'utf8-in-target',
  'http-1.0',
  'no-host',
  'absolute-form-target',
  'folded-header',
  'many-headers',
] as const;
export type WireDefect = (typeof WIRE_DEFECTS)[number];

/** What node's HTTP client lets through in a header value (no control characters; latin1 bytes as they are). */
export function headerSafe(text: string): string {
  return Buffer.from(text, 'utf8')
    .toString('latin1')
    .replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
}

const hostileHeaderValue = fc.oneof(
  hostileString.map((text) => headerSafe(text).slice(0, 200)),
  fc.constantFrom('', ' ', '0', '-1', '00000000000000000001', '1e3', '1 OR 1=1', "' --", '*', 'null', 'undefined', '[object Object]', '%00', 'é'),
);

const orgRef: fc.Arbitrary<OrgRef> = fc.oneof(
  { weight: 14, arbitrary: fc.nat({ max: 11 }).map((recent) => ({ recent })) },
  { weight: 1, arbitrary: fc.constant({ removed: true as const }) },
  { weight: 1, arbitrary: fc.constant({ instance: true as const }) },
  { weight: 1, arbitrary: fc.constantFrom('69629023906488399', '1', '0', '18446744073709551616').map((text) => ({ text })) },
  { weight: 2, arbitrary: hostileHeaderValue.map((text) => ({ text })) },
);

/** A path parameter: what the schema allows, and what it does not (bad percent-encoding, over 100 characters, …). */
function paramValue(name: string, schema: Schema): fc.Arbitrary<ParamValue> {
  const valid: fc.Arbitrary<ParamValue> = schema.enum
    ? fc.oneof(fc.constantFrom(...schema.enum), fc.integer({ min: 0, max: schema.enum.length }).map(String)).map((text) => ({ text }))
    : orgRef.map((org) => ({ org }));
  const hostile = fc.oneof(
    hostileString.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?')).slice(0, 300)),
    fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%00', '%FF', '%C0%AF', '..', '%2e%2e%2f', '%2F', '-1', '1.5', '4294967297', '00001', '%20', '0x1', 'é', `${name}`),
    fc.integer({ min: 95, max: 130 }).map((length) => '1'.repeat(length)),
  );
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: hostile.map((text) => ({ text })) });
}

/** A query key or value, percent-encoded, at most 200 characters of it (a long one only meets the 16 KiB limit). */
const queryPart = (text: string) => encodeURIComponent(text.slice(0, 200).replace(/[\ud800-\udfff]/g, ''));

const query = fc.oneof(
  { weight: 12, arbitrary: fc.constant('') },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(hostileString, hostileString), { minLength: 1, maxLength: 4 })
      .map((pairs) => '?' + pairs.map(([key, value]) => `${queryPart(key)}=${queryPart(value)}`).join('&')),
  },
  { weight: 2, arbitrary: fc.constantFrom('?', '?%ZZ', '?a=%00', '?type=1&type=2', '?__proto__[polluted]=1', '?&&&==', '?limit=-1', '?x=é', `?q=${'q'.repeat(8000)}`) },
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/grpc-web+proto',
  'application/grpc-web-text',
  ';;;',
  '*/*',
  'application/json; charset',
  '',
];

const extraHeader: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.constantFrom<[string, string]>(
    ['accept', '*/*'],
    ['accept', 'application/grpc'],
    ['origin', 'https://evil.example'],
    ['x-forwarded-for', '10.0.0.1, 127.0.0.1'],
    ['x-request-id', 'not-a-uuid'],
    ['accept-encoding', 'gzip, br'],
    ['grpc-timeout', '1n'],
    ['cookie', 'session=1'],
    ['connection', 'close'],
  ),
  fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), hostileHeaderValue),
);

function pathVariant(path: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 30, arbitrary: fc.constant(path) },
    { weight: 1, arbitrary: fc.constantFrom(`${path}/`, path.replace('/v1/', '//v1/'), path.toUpperCase(), path.replace('/v1/', '/v1/./'), path.replace('/v1/', '/v1%2F'), `${path}/..`, `${path};x=1`) },
  );
}

/** Valid credentials, the ones allowed to change anything more often, so that many changes land. */
const validCredential = fc.oneof({ weight: 5, arbitrary: fc.constant('owner') }, { weight: 2, arbitrary: fc.constant('org-manager') }, { weight: 6, arbitrary: fc.constantFrom(...VALID_CREDENTIALS) });

const authorization = fc.oneof(
  { weight: 1, arbitrary: fc.constant([] as string[]) },
  { weight: 16, arbitrary: validCredential.map((name) => [name]) },
  { weight: 4, arbitrary: fc.constantFrom(...FORGED_CREDENTIALS).map((name) => [name]) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_CREDENTIALS).map((name) => [name]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...CREDENTIAL_NAMES), fc.constantFrom(...CREDENTIAL_NAMES)).map(([first, second]) => [first, second]) },
);

/** Requests to `operation`, from valid per its schema to hostile in every part. */
export function requestTo(operation: Operation): fc.Arbitrary<FuzzRequest> {
  const params = Object.fromEntries(operation.pathParams.map((param) => [param.name, paramValue(param.name, param.schema)]));
  return fc.record({
    operationId: fc.constant(operation.operationId),
    method: fc.oneof({ weight: 12, arbitrary: fc.constant(operation.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH') }),
    path: pathVariant(operation.path),
    pathParams: fc.record(params),
    query,
    authorization,
    orgIds: fc.oneof({ weight: 3, arbitrary: fc.constant([] as OrgRef[]) }, { weight: 12, arbitrary: orgRef.map((ref) => [ref]) }, { weight: 1, arbitrary: fc.tuple(orgRef, orgRef) }),
    headers: fc.tuple(fc.option(fc.constantFrom(...CONTENT_TYPES), { freq: 4 }), fc.array(extraHeader, { maxLength: 3 })).map(([contentType, extra]) => [
      ...(contentType === null ? [] : [['content-type', contentType] as [string, string]]),
      ...extra,
    ]),
    body: bodyText(operation.body),
    framing: fc.oneof({ weight: 6, arbitrary: fc.constant('length' as const) }, { weight: 1, arbitrary: fc.constant('chunked' as const) }),
    wireDefect: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...WIRE_DEFECTS) }),
  });
}

/** A request to any of the operations. */
export function requestToAny(operations: Operation[]): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(...operations.map(requestTo));
}
