import protobuf from 'protobufjs';
import { ErrorDetail } from '../errors/error-detail.js';
import { loadProtoRoot } from './proto-files.js';

let root: protobuf.Root | undefined;

function types(): protobuf.Root {
  root ??= loadProtoRoot(['google/rpc/status.proto', 'google/rpc/error_details.proto', 'zitadel/object.proto']);
  return root;
}

const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** `google.rpc.Status` in binary, with each detail packed in an `Any`: the `grpc-status-details-bin` trailer. */
export function encodeStatusDetails(code: number, message: string, details: ErrorDetail[]): Buffer {
  const registry = types();
  const anys = details.map((detail) => {
    const { '@type': typeUrl, ...fields } = detail;
    const type = registry.lookupType(typeUrl.slice(TYPE_URL_PREFIX.length));
    return { type_url: typeUrl, value: type.encode(type.fromObject(protoFields(typeUrl, fields))).finish() };
  });
  const status = registry.lookupType('google.rpc.Status');
  return Buffer.from(status.encode(status.fromObject({ code, message, details: anys })).finish());
}

/** The reverse, for clients and tests: the status with each known detail decoded to its JSON form. */
export function decodeStatusDetails(bytes: Uint8Array): { code: number; message: string; details: ErrorDetail[] } {
  const registry = types();
  const status = registry.lookupType('google.rpc.Status');
  const decoded = status.toObject(status.decode(bytes)) as { code?: number; message?: string; details?: { type_url: string; value: Uint8Array }[] };
  const details = (decoded.details ?? []).map(({ type_url: typeUrl, value }) => {
    const type = registry.lookupType(typeUrl.slice(TYPE_URL_PREFIX.length));
    return { '@type': typeUrl, ...jsonFields(typeUrl, type.toObject(type.decode(value))) } as unknown as ErrorDetail;
  });
  return { code: decoded.code ?? 0, message: decoded.message ?? '', details };
}

const RETRY_INFO = `${TYPE_URL_PREFIX}google.rpc.RetryInfo`;

/** A detail's JSON fields as protobufjs takes them: a Duration's JSON form (`"3s"`) is no object it knows. */
function protoFields(typeUrl: string, fields: Record<string, unknown>): Record<string, unknown> {
  if (typeUrl !== RETRY_INFO) return fields;
  return { retryDelay: { seconds: Number.parseInt(String(fields.retryDelay), 10) } };
}

/** The reverse of protoFields. */
function jsonFields(typeUrl: string, fields: Record<string, unknown>): Record<string, unknown> {
  if (typeUrl !== RETRY_INFO) return fields;
  const delay = fields.retryDelay as { seconds?: number | { toNumber(): number } } | undefined;
  const seconds = typeof delay?.seconds === 'object' ? delay.seconds.toNumber() : (delay?.seconds ?? 0);
  return { retryDelay: `${seconds}s` };
}
