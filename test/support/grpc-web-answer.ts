import { decodeStatusDetails } from '../../src/common/grpc/status-details.js';

/** What a gRPC-web answer carries in its trailer frame. */
export interface GrpcWebOutcome {
  code: number;
  message: string;
  /** `grpc-status-details-bin`, decoded. */
  statusDetails?: { code: number; message: string; details: unknown[] };
}

export function isGrpcWeb(contentType: string | null | undefined): boolean {
  return /^application\/grpc-web/.test(contentType ?? '');
}

/**
 * The trailer of a gRPC-web response body (binary, or base64 for `grpc-web-text`), read as a
 * client reads it; a string says why it cannot be read.
 */
export function grpcWebOutcome(contentType: string, body: Buffer): GrpcWebOutcome | string {
  const bytes = /^application\/grpc-web-text/.test(contentType) ? Buffer.from(body.toString('latin1'), 'base64') : body;
  for (let offset = 0; offset + 5 <= bytes.length; ) {
    const length = bytes.readUInt32BE(offset + 1);
    if ((bytes[offset] & 0x80) === 0) {
      offset += 5 + length;
      continue;
    }
    const lines = bytes.subarray(offset + 5, offset + 5 + length).toString('latin1').split('\r\n').filter(Boolean);
    const trailers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1)]));
    const code = Number(trailers.get('grpc-status'));
    if (!Number.isInteger(code)) return `grpc-status ${JSON.stringify(trailers.get('grpc-status'))} is not a code`;
    const details = trailers.get('grpc-status-details-bin');
    return {
      code,
      message: decodeURIComponent(trailers.get('grpc-message') ?? ''),
      ...(details ? { statusDetails: decodeStatusDetails(Buffer.from(details, 'base64')) } : {}),
    };
  }
  return 'no trailer frame';
}

/** Why a gRPC-web outcome is not a failure in the one error shape, or undefined (success included). */
export function grpcWebShapeViolation(outcome: GrpcWebOutcome): string | undefined {
  if (outcome.code === 0) return undefined;
  if (outcome.code === 13) return 'grpc-status 13 INTERNAL';
  if (!outcome.statusDetails) return `grpc-status ${outcome.code} without grpc-status-details-bin`;
  const { code, message, details } = outcome.statusDetails;
  if (code !== outcome.code || message !== outcome.message) return `grpc-status-details-bin says ${code} "${message}", the trailers ${outcome.code} "${outcome.message}"`;
  if (!Array.isArray(details)) return 'the status details hold no details list';
  return undefined;
}
