import cors from '@fastify/cors';
import { FastifyInstance } from 'fastify';

/** Headers a browser may send: JSON and gRPC-web bodies, the token, the org, gRPC-web's own and the write conditions. */
const ALLOWED_HEADERS = ['authorization', 'content-type', 'x-zitadel-orgid', 'x-grpc-web', 'x-user-agent', 'grpc-timeout', 'if-match', 'x-expected-sequence', 'x-validate-only'];

/** Headers a browser may read: the gRPC status of a trailers-only answer, the request id and a read's ETag. */
const EXPOSED_HEADERS = ['grpc-status', 'grpc-message', 'grpc-status-details-bin', 'x-request-id', 'etag'];

/**
 * CORS for browser apps on other origins (`CORS_ORIGINS`). A request from an origin not on the
 * list gets no CORS headers at all, so the browser refuses to hand it the answer; `*` allows
 * every origin. Without origins nothing is installed.
 */
export function installCors(fastify: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  void fastify.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && (allowed.has('*') || allowed.has(origin))),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
