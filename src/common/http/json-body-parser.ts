import { FastifyInstance } from 'fastify';
import { DomainError } from '../errors/domain-error.js';
import { badRequestDetail } from '../errors/error-detail.js';
import { ErrorKind } from '../errors/error-kind.js';
import { jsonTextNestsTooDeep, nestedTooDeep } from '../validation/nesting-depth.js';

/** Largest request body accepted; larger bodies answer 413. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Every request body is read as JSON, whatever its Content-Type says (as ZITADEL's gateway does,
 * so `curl -d '{…}'` works without a header). An empty body is no body; malformed JSON, or JSON
 * nested deeper than MAX_NESTING_DEPTH, is a 400 in the one error shape.
 */
export function installJsonBodyParser(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(String(body)));
    } catch (error) {
      done(error as DomainError, undefined);
    }
  });
}

/** A request body's text as JSON: undefined when it is blank; a DomainError (400) when it is not JSON or nests too deep. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  if (jsonTextNestsTooDeep(text)) throw nestedTooDeep();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DomainError(ErrorKind.InvalidArgument, undefined, `invalid JSON in the request body: ${(error as Error).message}`, [
      badRequestDetail([{ field: 'body', description: 'the request body is not valid JSON' }]),
    ]);
  }
}
