import fc from 'fast-check';
import { Schema } from './openapi-operations.js';

/**
 * Request bodies as JSON text, from "valid per the OpenAPI schema" to hostile: wrong types, huge
 * numbers, nesting up to and past the 32-level limit, every kind of unicode, control characters,
 * duplicated keys, very long strings, unknown enum names and numbers, and text that is not JSON.
 * Text, not values: duplicated keys, lone surrogates and number literals beyond a double only
 * exist as text.
 */

/** Strings no field expects. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 3, arbitrary: shortHostileStrings() },
  // very long: past the direct lane's 64 KiB, and in bytes (4 per emoji) well past it
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', 'é', '😀', '\u0000'), fc.integer({ min: 150, max: 70_000 })).map(([unit, count]) => unit.repeat(count)) },
);

function shortHostileStrings(): fc.Arbitrary<string> {
  return fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'ACME\u0000',
    'a\u001fb',
    '\t\r\n',
    '\u007f',
    '\u0085',
    '\u2028\u2029',
    '\ud800',
    '\udfff',
    '\ufeff',
    '\u202eevil',
    '🏳️‍🌈',
    "' OR 1=1 --",
    '"; DROP TABLE events; --',
    '__proto__',
    'constructor',
    '%00',
    '${jndi:ldap://x}',
    '../../etc/passwd',
    'Ω'.repeat(201),
  );
}

/** Number literals: past uint64, past a double, negative zero, fractions, exponents. */
export const hostileNumberText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', '-0', '-1', '0.5', '1E2', '5', '99', '256', '2147483648', '4294967297', '9007199254740993', '18446744073709551616', '123456789012345678901234567890', '1e308', '1e309', '-1e309', '1e-400'),
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
);

/** `depth` arrays or objects nested in each other around `inner`. */
function nestedText(depth: number, inner: string, asObjects: boolean): string {
  return asObjects ? '{"a":'.repeat(depth) + inner + '}'.repeat(depth) : '['.repeat(depth) + inner + ']'.repeat(depth);
}

/** Any JSON value that is probably of the wrong type where it lands. */
export const hostileValueText: fc.Arbitrary<string> = fc.oneof(
  hostileNumberText,
  hostileString.map((text) => JSON.stringify(text)),
  fc.constantFrom('true', 'false', 'null', '[]', '{}', '[null]', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '[1,"SECOND_FACTOR_TYPE_OTP"]'),
  // deep but legal (the body itself is a level more), and past the limit
  fc.tuple(fc.integer({ min: 1, max: 40 }), fc.boolean()).map(([depth, asObjects]) => nestedText(depth, '1', asObjects)),
  fc.array(fc.oneof(hostileNumberText, fc.constantFrom('"x"', 'null', 'true')), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
);

/** An enum field: by name or number (UNSPECIFIED and 0 included, the schema lists them), or not one of them. */
function enumText(names: string[]): fc.Arbitrary<string> {
  const prefix = names[0].slice(0, names[0].lastIndexOf('_') + 1);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...names).map((name) => JSON.stringify(name)) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: names.length - 1 }).map(String) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(`${prefix}NONSENSE`, names[1]?.toLowerCase() ?? 'x', ` ${names[1]}`, `${names[1]}\u0000`, String(names.length), '1', '0x1', '1e0', '').map((text) => JSON.stringify(text)),
        fc.integer({ min: names.length, max: 2 ** 31 }).map(String),
        fc.constantFrom('-1', '1.5', '1e0', '4294967297', '18446744073709551617'),
      ),
    },
  );
}

/** A value the schema allows, as JSON text. */
export function validValueText(schema: Schema): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...schema.enum).map((name) => JSON.stringify(name));
  if (schema.properties) return validObjectText(schema);
  switch (schema.type) {
    case 'boolean':
      return fc.boolean().map(String);
    case 'array':
      return fc.array(schema.items ? validValueText(schema.items) : fc.constant('{}'), { maxLength: 6 }).map((items) => `[${items.join(',')}]`);
    case 'string':
      if (/^\d+s$/.test(String(schema.example))) return fc.oneof(fc.nat({ max: 1_000_000_000 }).map((n) => `"${n}s"`), fc.constantFrom('"0s"', '"3.000s"', '"64800s"'));
      if (/^https?:/.test(String(schema.example))) return fc.constantFrom('""', '"https://console.example.com/"', '"http://127.0.0.1:4200/callback?x=1"', '"urn:example:a"');
      return fc.string({ unit: 'grapheme-ascii', minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) }).map((text) => JSON.stringify(text));
    default:
      // uint64 fields (`type: object` in the document): a number or a decimal string
      return fc.oneof(fc.nat({ max: 2000 }).map(String), fc.nat({ max: 2000 }).map((n) => `"${n}"`));
  }
}

function validObjectText(schema: Schema): fc.Arbitrary<string> {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  return fc
    .tuple(...properties.map(([name, property]) => (required.has(name) ? validValueText(property) : fc.option(validValueText(property), { nil: undefined, freq: 3 }))))
    .map((values) => objectText(properties.flatMap(([name], i) => (values[i] === undefined ? [] : [[name, values[i]!] as [string, string]]))));
}

/** A field of the schema with a valid, enum-breaking or hostile value. */
function fieldValueText(schema: Schema): fc.Arbitrary<string> {
  const enumNames = schema.enum ?? schema.items?.enum;
  const options = [validValueText(schema), hostileValueText];
  if (schema.enum) options.push(enumText(schema.enum));
  if (schema.type === 'array' && enumNames) options.push(fc.array(enumText(enumNames), { maxLength: 8 }).map((items) => `[${items.join(',')}]`));
  return fc.oneof(...options);
}

function objectText(entries: [string, string][]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}

/** The schema's fields with valid or hostile values, unknown fields, and fields given twice. */
function mixedObjectText(schema: Schema): fc.Arbitrary<string> {
  const properties = Object.entries(schema.properties ?? {});
  const field = properties.length > 0 ? fc.constantFrom(...properties).chain(([name, property]) => fc.tuple(fc.constant(name), fieldValueText(property))) : undefined;
  const unknown = fc.tuple(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'details', 'type ')), hostileValueText);
  return fc
    .array(field ? fc.oneof({ weight: 4, arbitrary: field }, { weight: 1, arbitrary: unknown }) : unknown, { maxLength: 10 })
    .chain((entries) =>
      // a duplicate of a key already there, with another value: JSON.parse keeps the last one
      entries.length === 0
        ? fc.constant(entries)
        : fc.oneof(
            { weight: 3, arbitrary: fc.constant(entries) },
            { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...entries.map(([key]) => key)), hostileValueText).map((again) => [...entries, again]) },
          ),
    )
    .map(objectText);
}

/** Text that is not the JSON object a request is. */
const malformedText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', '{', '}', '{"type":}', '}{', "{'type':1}", '{"type":1,}', '{"type":1} trailing', '\ufeff{"type":1}', 'NaN', 'null', '[]', '"text"', '123', 'true', '{"type":1}{"type":2}', '{"a":"\\x41"}', '{"a":"\\ud800"}', '{"a":"unterminated'),
  fc.tuple(fc.integer({ min: 25, max: 1000 }), fc.boolean()).map(([depth, asObjects]) => nestedText(depth, '{}', asObjects)),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

/** What a request to an operation with `schema` as its body sends; undefined sends no body at all. */
export function bodyText(schema: Schema | undefined): fc.Arbitrary<string | undefined> {
  const asSchema = schema ?? { type: 'object', properties: {} };
  return fc.oneof(
    { weight: 70, arbitrary: validValueText(asSchema) },
    { weight: 70, arbitrary: mixedObjectText(asSchema) },
    { weight: 20, arbitrary: malformedText },
    { weight: schema ? 10 : 40, arbitrary: fc.constant(undefined) },
    // over the 1 MiB body limit (rare: each is a megabyte on the wire)
    { weight: 1, arbitrary: fc.constant(null).map(() => `{"name":"${'x'.repeat(1024 * 1024 + 16)}"}`) },
  );
}
