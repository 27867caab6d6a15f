import { Logger } from '@nestjs/common';
import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { IncomingMessage, STATUS_CODES, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { DomainError } from '../errors/domain-error.js';
import { statusOf } from '../errors/error-status.js';
import { fromHttpStatus } from '../errors/error-translation.js';
import { answerHttpError } from '../errors/error.filter.js';
import { nextRequestId } from '../ids/request-id.js';

/** Most bytes of request line and headers read (node's default, set explicitly so that the refusal and the README can name it). */
export const MAX_HEADER_BYTES = 16 * 1024;

const logger = new Logger('HttpRefusals');

/**
 * Fastify's `frameworkErrors`: what its router refuses before any hook runs (a path that is not
 * valid percent-encoded UTF-8: 400; a path parameter over `maxParamLength`: 414), answered in
 * the one error shape.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void reply.header('x-request-id', request.id);
  answerHttpError(logger, error, request, reply);
}

/** What node's HTTP parser reports on a connection (`code` HPE_… or ERR_HTTP_REQUEST_TIMEOUT). */
interface ClientError extends Error {
  code?: string;
  reason?: string;
}

/**
 * Fastify's `clientErrorHandler`, node's `clientError` event: a request node refused before there
 * was a request object (malformed HTTP, headers over MAX_HEADER_BYTES, headers too slow). Written
 * straight to the socket, in the one error shape, then the connection is closed.
 */
export function answerClientError(error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // as node's own handler does: no answer while a response is being written on this connection
  if (socket.writable && !responseUnderWay(socket)) {
    const { httpStatus, body } = statusOf(clientRefusal(error));
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${httpStatus} ${STATUS_CODES[httpStatus] ?? ''}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(json)}\r\n` +
        `x-request-id: ${nextRequestId()}\r\n` +
        'connection: close\r\n\r\n' +
        json,
    );
  }
  socket.destroy(error);
}

function clientRefusal(error: ClientError): DomainError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return fromHttpStatus(431, `the request line and headers are larger than ${MAX_HEADER_BYTES} bytes`);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return fromHttpStatus(413, 'the chunk extensions of the request body are too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return fromHttpStatus(408, 'the request did not arrive in time');
    default:
      return fromHttpStatus(400, `malformed HTTP request: ${error.reason ?? error.message}`);
  }
}

function responseUnderWay(socket: Socket): boolean {
  // node keeps the response in progress on a connection here (its own clientError answer checks it too)
  return (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
}

/**
 * node's own check of an HTTP/1.1 request without `Host` (`requireHostHeader`) answers an empty
 * 400 that no handler sees; it is turned off (app.factory.ts) and such a request refused here, in
 * the one error shape, before the direct lane or Fastify. Returns whether it was refused.
 */
export function refusedWithoutHost(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.httpVersion !== '1.1' || hasHost(request.rawHeaders)) return false;
  const { httpStatus, body } = statusOf(fromHttpStatus(400, 'an HTTP/1.1 request must carry a Host header'));
  const json = JSON.stringify(body);
  response.writeHead(httpStatus, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'x-request-id': nextRequestId(),
    connection: 'close',
  });
  response.end(json);
  return true;
}

function hasHost(rawHeaders: string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].length === 4 && rawHeaders[i].toLowerCase() === 'host') return true;
  return false;
}
