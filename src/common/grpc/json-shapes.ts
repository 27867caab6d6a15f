import protobuf from 'protobufjs';
import { parseDuration } from '../proto/wire-format.js';

/**
 * Turns a response in the REST JSON shape into what protobufjs encodes: RFC 3339 strings become
 * Timestamps, "64800s" Durations, plain objects Structs; everything else (camelCase names, enum
 * names, uint64 strings) protobufjs takes as it is.
 */
export function toProtoObject(type: protobuf.Type, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, fieldValue] of Object.entries(value as Record<string, unknown>)) {
    const field = type.fields[key];
    if (!field) continue;
    const fieldType = field.resolve().resolvedType;
    const convert = (item: unknown) => (fieldType instanceof protobuf.Type ? toMessage(fieldType, item) : item);
    out[key] = field.repeated && Array.isArray(fieldValue) ? fieldValue.map(convert) : convert(fieldValue);
  }
  return out;
}

function toMessage(type: protobuf.Type, value: unknown): unknown {
  switch (type.fullName) {
    case '.google.protobuf.Timestamp': {
      if (typeof value !== 'string') return value;
      const millis = Date.parse(value);
      return { seconds: Math.floor(millis / 1000), nanos: (millis % 1000) * 1_000_000 };
    }
    case '.google.protobuf.Duration':
      return typeof value === 'string' ? { seconds: parseDuration(value) ?? 0, nanos: 0 } : value;
    case '.google.protobuf.Struct':
      return value && typeof value === 'object' && !('fields' in value) ? { fields: toFields(value as Record<string, unknown>) } : value;
    default:
      return toProtoObject(type, value);
  }
}

function toValue(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return { nullValue: 0 };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(toValue) } };
  return { structValue: { fields: toFields(value as Record<string, unknown>) } };
}

function toFields(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, toValue(value)]));
}

/**
 * The reverse, for requests: a decoded message (proto-loader's object form) in the REST JSON
 * shape: Timestamps become RFC 3339 strings, Durations seconds strings ("64800s", with a
 * fractional part kept so validation can refuse it).
 */
export function fromProtoObject(type: protobuf.Type, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, fieldValue] of Object.entries(value as Record<string, unknown>)) {
    const field = type.fields[key];
    const fieldType = field?.resolve().resolvedType;
    const convert = (item: unknown) => (fieldType instanceof protobuf.Type ? fromMessage(fieldType, item) : item);
    out[key] = field?.repeated && Array.isArray(fieldValue) ? fieldValue.map(convert) : convert(fieldValue);
  }
  return out;
}

function fromMessage(type: protobuf.Type, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const { seconds, nanos } = value as { seconds?: string | number; nanos?: number };
  switch (type.fullName) {
    case '.google.protobuf.Timestamp':
      return new Date(Number(seconds ?? 0) * 1000 + Math.floor((nanos ?? 0) / 1_000_000)).toISOString();
    case '.google.protobuf.Duration':
      return nanos ? `${Number(seconds ?? 0)}.${String(nanos).padStart(9, '0')}s` : `${Number(seconds ?? 0)}s`;
    default:
      return fromProtoObject(type, value);
  }
}
