import { DomainError } from '../errors/domain-error.js';
import { ErrorKind } from '../errors/error-kind.js';

/**
 * The gRPC-web wire format: length-prefixed frames (flags byte, 4-byte big-endian length,
 * payload) in the body, the trailers as a last frame with flag 0x80, and for
 * `application/grpc-web-text` the whole body in base64.
 */

const TRAILER_FLAG = 0x80;
const COMPRESSED_FLAG = 0x01;
const FRAME_HEADER_BYTES = 5;

export interface GrpcWebContentType {
  /** The media type as the client sent it (lower case, no parameters); the response carries the same. */
  mediaType: string;
  text: boolean;
  /** `proto` unless the client asked for another codec (`+json`). */
  codec: string;
}

/** The gRPC-web content type of a request, or `undefined` when it is not gRPC-web. */
export function grpcWebContentType(header: string | undefined): GrpcWebContentType | undefined {
  const mediaType = header?.split(';')[0].trim().toLowerCase() ?? '';
  const match = /^application\/grpc-web(-text)?(?:\+([a-z0-9._-]+))?$/.exec(mediaType);
  if (!match) return undefined;
  return { mediaType, text: match[1] !== undefined, codec: match[2] ?? 'proto' };
}

export interface GrpcWebFrame {
  trailer: boolean;
  compressed: boolean;
  payload: Buffer;
}

export function malformed(reason: string): DomainError {
  return new DomainError(ErrorKind.InvalidArgument, undefined, `malformed gRPC-web request: ${reason}`);
}

/** Splits a (binary) body into its frames; anything that is not a whole frame is refused. */
export function readFrames(body: Buffer): GrpcWebFrame[] {
  const frames: GrpcWebFrame[] = [];
  let offset = 0;
  while (offset < body.length) {
    if (body.length - offset < FRAME_HEADER_BYTES) {
      throw malformed(`a frame needs a 5-byte header, only ${body.length - offset} bytes are left at byte ${offset}`);
    }
    const flags = body[offset];
    if ((flags & ~(TRAILER_FLAG | COMPRESSED_FLAG)) !== 0) {
      throw malformed(`unknown frame flags 0x${flags.toString(16).padStart(2, '0')} at byte ${offset}`);
    }
    const length = body.readUInt32BE(offset + 1);
    const end = offset + FRAME_HEADER_BYTES + length;
    if (end > body.length) {
      throw malformed(`the frame at byte ${offset} announces ${length} bytes but ${body.length - offset - FRAME_HEADER_BYTES} follow`);
    }
    frames.push({ trailer: (flags & TRAILER_FLAG) !== 0, compressed: (flags & COMPRESSED_FLAG) !== 0, payload: body.subarray(offset + FRAME_HEADER_BYTES, end) });
    offset = end;
  }
  return frames;
}

/**
 * Decodes a `grpc-web-text` body. Clients may send it in several base64 pieces, each padded on
 * its own, so the text is decoded piece by piece; line breaks and spaces are ignored.
 */
export function decodeTextBody(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/\s+/g, '');
  const pieces = text.split(/(?<==)(?=[^=])/);
  const decoded = pieces.map((piece) => {
    const padded = piece.endsWith('=');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(piece) || (padded ? piece.length % 4 !== 0 : piece.length % 4 === 1)) {
      throw malformed('the body of an application/grpc-web-text request is not base64');
    }
    return Buffer.from(piece, 'base64');
  });
  return Buffer.concat(decoded);
}

function frame(flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header[0] = flags;
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** The outcome of a call as gRPC trailers carry it. */
export interface GrpcWebStatus {
  code: number;
  message: string;
  /** `google.rpc.Status` in binary, for a failure. */
  details?: Buffer;
  /** For a refusal that says when to try again: the `retry-after` header and trailer. */
  retryAfterSeconds?: number;
}

/**
 * A whole response body: one data frame per message, then the trailer frame with
 * `grpc-status`, `grpc-message` (percent-encoded) and, on failure, `grpc-status-details-bin`
 * (unpadded base64); in base64 for a text request.
 */
export function responseBody(messages: Buffer[], status: GrpcWebStatus, text: boolean): Buffer {
  const trailers: [string, string][] = [
    ['grpc-status', String(status.code)],
    ['grpc-message', percentEncode(status.message)],
  ];
  if (status.details) trailers.push(['grpc-status-details-bin', status.details.toString('base64').replace(/=+$/, '')]);
  if (status.retryAfterSeconds !== undefined) trailers.push(['retry-after', String(status.retryAfterSeconds)]);
  const block = Buffer.from(trailers.map(([name, value]) => `${name}:${value}\r\n`).join(''), 'latin1');
  const body = Buffer.concat([...messages.map((message) => frame(0, message)), frame(TRAILER_FLAG, block)]);
  return text ? Buffer.from(body.toString('base64'), 'latin1') : body;
}

/** `grpc-message` encoding: bytes outside printable ASCII, and `%` itself, as %XX of their UTF-8. */
function percentEncode(message: string): string {
  let encoded = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    encoded += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

const TIMEOUT_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000_001 };

/**
 * The deadline (epoch ms) a `grpc-timeout` header sets, counted from `now`: up to 8 digits and a
 * unit (H, M, S, m, u, n), as gRPC writes it. Infinity without one; undefined when it is malformed.
 */
export function deadlineOf(timeout: string | undefined, now: number): number | undefined {
  if (timeout === undefined) return Infinity;
  const match = /^(\d{1,8})([HMSmun])$/.exec(timeout);
  if (!match) return undefined;
  return now + Math.floor(Number(match[1]) * TIMEOUT_UNIT_MS[match[2]]);
}
