import { nextRequestId } from '../ids/request-id.js';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { FastifyInstance, FastifyServerFactory } from 'fastify';
import { httpErrorStatus } from '../errors/error.filter.js';
import { Admitted } from '../auth/access-policy.service.js';
import { httpAddress } from '../auth/caller-carrier.js';
import { DirectExchange, DirectRoutes, JSON_CONTENT_TYPE, ServedRoute } from './direct-routes.js';
import { bodyStillComing } from './body-still-coming.js';
import { refusedWithoutHost } from './http-refusals.js';
import { parseJsonBody } from './json-body-parser.js';
import { HeaderValue, joinedHeader, rawHeader } from './raw-header.js';
import { QueryValues } from '../api/query-message.js';
import { CallSpan, tracing } from '../tracing/tracing.js';

/** Bodies up to this size are read on the lane; larger ones (never a read's) go through Fastify and its limit. */
const LANE_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * The direct lane: node's HTTP server hands a request for a direct route (see direct-routes.ts)
 * straight to it, before Fastify sees it. Fastify's routing, its hooks and Nest's (CORS,
 * shutdown, middleware), its reply object and its serializer cost more than the whole read on
 * the hot path; the lane answers the same bytes for a fraction of that.
 *
 * Only plain requests take the lane: the exact path of a direct route with no percent-encoded
 * parameter and no query string — except a GET whose message is its query, with a query that
 * needs no decoding (no `%`, no `+`) —, a body of known length up to 64 KiB, no `Origin` (CORS
 * answers belong to Fastify), no `Expect`.
 * Everything else, and everything while the server is closing or requests are logged one by one,
 * goes to Fastify, where the same route is still served directly from a hook.
 */
export class DirectLane {
  private open = false;
  /** Requests answered on the lane since start (the `http_direct_lane_requests_total` metric). */
  served = 0;

  constructor(private readonly routes: DirectRoutes) {}

  /** Fastify's `serverFactory`: a node:http server that offers each request to the lane first. */
  serverFactory(): FastifyServerFactory {
    return (fastifyHandler, options) => {
      const server: Server = createServer((options.http ?? {}) as object, (request, response) => {
        if (refusedWithoutHost(request, response)) return;
        if (!this.take(request, response)) fastifyHandler(request, response);
      });
      // what Fastify sets on a server of its own
      server.keepAliveTimeout = options.keepAliveTimeout as number;
      server.requestTimeout = options.requestTimeout as number;
      server.setTimeout(options.connectionTimeout as number);
      if ((options.maxRequestsPerSocket as number) > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket as number;
      return server;
    };
  }

  /** Opens the lane once the routes are known; closes it when Fastify starts closing (it then answers 503). */
  openOn(fastify: FastifyInstance): void {
    this.open = true;
    fastify.addHook('preClose', (done) => {
      this.open = false;
      done();
    });
  }

  private take(request: IncomingMessage, response: ServerResponse): boolean {
    if (!this.open) return false;
    const url = request.url as string;
    const mark = url.indexOf('?');
    const found = this.routes.match(request.method as string, mark < 0 ? url : url.slice(0, mark));
    if (found === undefined) return false;
    const { route, params } = found;
    // a query is read here only when it is the route's request message and needs no decoding; Fastify's parser decodes the rest
    const query = mark < 0 ? undefined : route.readsQuery ? plainQuery(url.slice(mark + 1)) : undefined;
    if (mark >= 0 && query === undefined) return false;
    // percent-encoded parameters are decoded by Fastify's router: left to it
    if (params !== undefined && Object.values(params).some((value) => value.includes('%'))) return false;
    if (headerOf(request, 'origin') !== undefined || headerOf(request, 'expect') !== undefined || headerOf(request, 'transfer-encoding') !== undefined) return false;
    const length = headerOf(request, 'content-length');
    // a repeated Content-Length (an array) is no number: left to Fastify and node's parser
    if (length !== undefined && !(Number(length) <= LANE_BODY_LIMIT_BYTES)) return false;
    this.served++;
    const exchange = new LaneExchange(this.routes, route, request, response, params, query, mark < 0 ? undefined : url.slice(mark + 1));
    if (!tracing.enabled) {
      this.serve(route, request, exchange, length);
      return true;
    }
    const span = tracing.startCall(route.operation ?? `${request.method} ${request.url}`, 'rest', (name) => joinedHeader(headerOf(request, name)));
    exchange.span = span;
    if (span === undefined) this.serve(route, request, exchange, length);
    else span.run(() => this.serve(route, request, exchange, length));
    return true;
  }

  private serve(route: ServedRoute, request: IncomingMessage, exchange: LaneExchange, length: HeaderValue): void {
    // SPEC §5's order: 401 and 403 are decided on the headers, before the body is read
    // (answered without reading it, node discards the unread body)
    let admitted: Admitted | Promise<Admitted>;
    try {
      admitted = this.routes.admit(route, exchange);
    } catch (error) {
      exchange.fail(error);
      return;
    }
    if (length === undefined || length === '0' || request.method === 'GET') {
      // Fastify does not read the body of a GET, nor wait for an empty one
      request.resume();
      if (admitted instanceof Promise) admitted.then((done) => this.routes.invoke(route, done, exchange), (error: unknown) => exchange.fail(error));
      else this.routes.invoke(route, admitted, exchange);
      return;
    }
    if (admitted instanceof Promise) admitted.then((done) => this.readThenInvoke(route, done, request, exchange), (error: unknown) => exchange.fail(error));
    else this.readThenInvoke(route, admitted, request, exchange);
  }

  private readThenInvoke(route: ServedRoute, admitted: Admitted, request: IncomingMessage, exchange: LaneExchange): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      try {
        exchange.body = parseJsonBody(text);
      } catch (error) {
        exchange.fail(error);
        return;
      }
      exchange.bodyText = text;
      this.routes.invoke(route, admitted, exchange);
    });
  }
}

/** One request on the lane: a class rather than closures, since one is made per request. */
class LaneExchange implements DirectExchange {
  private readonly requestId = nextRequestId();
  private readonly startedAt = performance.now();
  /** The call's span, while tracing is on. */
  span: CallSpan | undefined = undefined;

  /** Set once the body is read, after the request was admitted. */
  body: unknown = undefined;
  bodyText: string | undefined = undefined;

  constructor(
    private readonly routes: DirectRoutes,
    private readonly route: ServedRoute,
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly params: Record<string, string> | undefined,
    private readonly queryValues: QueryValues | undefined,
    readonly queryText: string | undefined,
  ) {}

  query(): QueryValues | undefined {
    return this.queryValues;
  }

  header(name: string): HeaderValue {
    return headerOf(this.request, name);
  }

  address(): string {
    return httpAddress(this.request);
  }

  param(name: string): string | undefined {
    return this.params?.[name];
  }

  answer(status: number, json: string, etag?: string): void {
    if (etag !== undefined) this.response.setHeader('etag', etag);
    this.send(status, json);
    this.route.series?.record(0, this.startedAt);
    this.span?.end(0);
  }

  fail(error: unknown): void {
    const status = httpErrorStatus(this.routes.logger, error, `${this.request.method} ${this.request.url}`, this.requestId);
    if (status.retryAfterSeconds !== undefined) this.response.setHeader('retry-after', String(status.retryAfterSeconds));
    if (bodyStillComing(this.request)) this.response.setHeader('connection', 'close');
    this.send(status.httpStatus, JSON.stringify(status.body));
    this.route.series?.record(status.body.code, this.startedAt);
    this.span?.end(status.body.code);
  }

  private send(status: number, json: string): void {
    this.response.writeHead(status, { 'x-request-id': this.requestId, 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(json) });
    this.response.end(json);
  }
}

/**
 * The values of a query string that needs no decoding (no `%`, no `+`), as Fastify's parser reads
 * it: `name=value` pairs split on `&`, a name without `=` an empty value, a repeated name every
 * value in order. Undefined for a query that needs decoding, which Fastify's parser is left to.
 */
function plainQuery(text: string): QueryValues | undefined {
  if (text.includes('%') || text.includes('+')) return undefined;
  // no prototype: a name like `__proto__` is just a name
  const values: QueryValues = Object.create(null) as QueryValues;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = equals < 0 ? pair : pair.slice(0, equals);
    const value = equals < 0 ? '' : pair.slice(equals + 1);
    const known = values[name];
    values[name] = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known, value];
  }
  return values;
}

/**
 * A request header (`name` in lower case), every value when it is repeated, read from the raw list
 * in one pass: building `request.headers` costs more than the lane's own work on a read.
 */
function headerOf(request: IncomingMessage, name: string): HeaderValue {
  return rawHeader(request.rawHeaders, name);
}
