import { ExecutionContext, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiHeader, ApiQuery } from '@nestjs/swagger';
import { metadataValue } from '../auth/caller-carrier.js';
import { DomainError } from '../errors/domain-error.js';
import { ErrorKind } from '../errors/error-kind.js';
import { HeaderValue, rawHeader } from '../http/raw-header.js';

/** How a caller conditions a write; every part is optional and changes nothing when absent. */
export interface WriteConditions {
  /** The write happens only if the policy is still at this sequence (REST `If-Match: "<sequence>"`, RPC metadata `x-expected-sequence`). */
  expectedSequence?: number;
  /** Run every check, answer what the write would answer, store nothing (REST `?validateOnly=true`, RPC metadata `x-validate-only: true`). */
  validateOnly?: boolean;
}

export const NO_CONDITIONS: WriteConditions = Object.freeze({});

/** The RPC metadata keys (gRPC, gRPC-web and bus metadata alike). */
export const EXPECTED_SEQUENCE_METADATA = 'x-expected-sequence';
export const VALIDATE_ONLY_METADATA = 'x-validate-only';

/** The parts of a request conditions are read from, whichever door it came through. */
export interface ConditionSource {
  /** A header (REST) or metadata value (RPC), every value when repeated. */
  header(name: string): HeaderValue;
  /** A REST query parameter; undefined on RPC. */
  query(name: string): string | string[] | undefined;
  rpc: boolean;
}

const SEQUENCE = /^\d{1,19}$/;

/** The write conditions of a request; refuses malformed ones with 400 in the error shape. */
export function writeConditions(source: ConditionSource): WriteConditions {
  const expected = source.rpc ? plain(source.header(EXPECTED_SEQUENCE_METADATA), EXPECTED_SEQUENCE_METADATA) : entityTag(source.header('if-match'));
  const validateOnly = flag(source.rpc ? source.header(VALIDATE_ONLY_METADATA) : source.query('validateOnly'), source.rpc ? VALIDATE_ONLY_METADATA : 'validateOnly');
  if (expected === undefined && !validateOnly) return NO_CONDITIONS;
  return { ...(expected === undefined ? {} : { expectedSequence: expected }), ...(validateOnly ? { validateOnly } : {}) };
}

/** `If-Match: "42"` (the ETag a read sent); `*` asks for no particular sequence. */
function entityTag(value: HeaderValue): number | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) || value.includes(',')) throw malformed('If-Match', 'give one entity tag, the ETag of the read: "<sequence>"');
  const text = value.trim();
  if (text === '*') return undefined;
  const match = /^"(\d{1,19})"$/.exec(text);
  if (!match) throw malformed('If-Match', `expected "<sequence>" with the quotes, as the read's ETag has it, not ${JSON.stringify(text.slice(0, 40))}`);
  return Number(match[1]);
}

function plain(value: HeaderValue, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) || !SEQUENCE.test(value.trim())) throw malformed(name, 'expected one sequence number');
  return Number(value.trim());
}

function flag(value: string | string[] | undefined, name: string): boolean {
  if (value === undefined) return false;
  if (Array.isArray(value) || !['true', 'false', '1', '0'].includes(value.trim())) throw malformed(name, 'expected true or false');
  return value.trim() === 'true' || value.trim() === '1';
}

/**
 * The refusal of a write whose precondition names a sequence the resource has moved past: our own
 * id (ZITADEL has no preconditions), 412 over REST, FAILED_PRECONDITION on the other doors.
 */
export function sequenceMoved(subject: string, current: number, expected: number): DomainError {
  return new DomainError(ErrorKind.FailedPrecondition, 'LPF-s3qMoved', `${subject} is at sequence ${current}, not ${expected}: it changed since you read it; read it again`, undefined, 412);
}

function malformed(name: string, expectation: string): DomainError {
  return DomainError.invalidArgument(`invalid ${name}: ${expectation}`, [{ field: name, description: expectation }]);
}

interface HttpRequestLike {
  raw: { rawHeaders: string[] };
  query?: Record<string, string | string[] | undefined>;
}

interface MetadataLike {
  get(key: string): (string | Buffer)[];
}

/** The value of `@Conditions()`. */
export function conditionsOf(_data: unknown, context: ExecutionContext): WriteConditions {
  if (context.getType() === 'rpc') {
    const metadata = context.switchToRpc().getContext<MetadataLike>();
    return writeConditions({ rpc: true, header: (name) => metadataValue(metadata.get(name)), query: () => undefined });
  }
  const request = context.switchToHttp().getRequest<HttpRequestLike>();
  return writeConditions({ rpc: false, header: (name) => rawHeader(request.raw.rawHeaders, name), query: (name) => request.query?.[name] });
}

/** The write conditions of the request (precondition and dry run), on every door. */
export const Conditions = (): ParameterDecorator => createParamDecorator(conditionsOf)();

/** Swagger: the REST spelling of the write conditions. */
export function ApiWriteConditions(): MethodDecorator {
  return applyDecorators(
    ApiHeader({ name: 'If-Match', required: false, description: 'Write only if the policy is still at this sequence: the `ETag` of your read, e.g. `"42"`. Otherwise 412.' }),
    ApiQuery({ name: 'validateOnly', required: false, type: Boolean, description: 'Run every check and answer what the write would answer; store nothing.' }),
  ) as MethodDecorator;
}
