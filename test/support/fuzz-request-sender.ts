import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Credentials } from './fuzz-credentials.js';
import { FuzzRequest, OrgRef, WireDefect, headerSafe } from './hostile-requests.js';

/** The orgs a request can name: the most recently created ones (the test adds what AddOrg creates), one removed org, the instance. */
export class OrgPool {
  private readonly ids: string[];

  constructor(
    initial: string[],
    private readonly removedId: string,
    private readonly instanceId: string,
  ) {
    this.ids = [...initial];
  }

  add(id: string): void {
    this.ids.push(id);
  }

  resolve(ref: OrgRef): string {
    if ('recent' in ref) return this.ids[this.ids.length - 1 - (ref.recent % this.ids.length)];
    if ('removed' in ref) return this.removedId;
    if ('instance' in ref) return this.instanceId;
    return ref.text;
  }
}

/** A request as it went out (for reports), and what came back. */
export interface Exchange {
  sent: { method: string; target: string; headers: [string, string][]; body?: string; framing: string; wireDefect?: WireDefect };
  status?: number;
  contentType?: string | null;
  /** The answer's body: parsed JSON, else its text. */
  body?: unknown;
  /** The answer's body as received. */
  bytes?: Buffer;
  /** Why there is no answer (connection error, timeout). */
  failure?: string;
  milliseconds: number;
}

const ANSWER_TIMEOUT_MS = 15_000;

/** Sends generated requests to one app: through node's HTTP client on kept-alive connections, or as raw bytes. */
export class FuzzRequestSender {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });
  private readonly host: string;
  private readonly port: number;

  constructor(
    url: string,
    private readonly credentials: Credentials,
    readonly orgs: OrgPool,
  ) {
    const { hostname, port } = new URL(url);
    this.host = hostname;
    this.port = Number(port);
  }

  close(): void {
    this.agent.destroy();
  }

  async send(request: FuzzRequest): Promise<Exchange> {
    const sent = this.concrete(request);
    const started = performance.now();
    const bytes = Buffer.byteLength(sent.body ?? '') + sent.headers.reduce((sum, [name, value]) => sum + name.length + value.length, 0);
    // past node's limits the server answers and closes mid-request: only a raw socket reliably reads that answer
    const raw = request.wireDefect !== undefined || bytes > 12 * 1024;
    const answer = await (raw ? this.sendRaw(sent) : this.sendHttp(sent)).catch((error: Error) => ({ failure: error.message }));
    return { sent, ...answer, milliseconds: performance.now() - started };
  }

  private concrete(request: FuzzRequest): Exchange['sent'] {
    let path = request.path;
    for (const [name, value] of Object.entries(request.pathParams)) {
      path = path.replace(`{${name}}`, 'org' in value ? encodeURIComponent(headerSafe(this.orgs.resolve(value.org))) : value.text);
    }
    const headers: [string, string][] = [
      ...request.authorization.map((name) => ['authorization', this.credentials.values[name]] as [string, string]),
      ...request.orgIds.map((ref) => ['x-zitadel-orgid', headerSafe(this.orgs.resolve(ref))] as [string, string]),
      ...request.headers,
    ];
    return { method: request.method, target: path + request.query, headers, body: request.body, framing: request.framing, wireDefect: request.wireDefect };
  }

  private sendHttp(sent: Exchange['sent']): Promise<Omit<Exchange, 'sent' | 'milliseconds'>> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of sent.headers) {
      const existing = headers[name];
      headers[name] = existing === undefined ? value : [...[existing].flat(), value];
    }
    const body = sent.body === undefined ? undefined : Buffer.from(sent.body);
    if (body && sent.framing === 'length') headers['content-length'] = String(body.length);
    if (body && sent.framing === 'chunked') headers['transfer-encoding'] = 'chunked';
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest({ host: this.host, port: this.port, method: sent.method, path: sent.target, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          clearTimeout(timer);
          const bytes = Buffer.concat(chunks);
          resolve({ status: response.statusCode, contentType: response.headers['content-type'] ?? null, body: parsed(bytes), bytes });
        });
      });
      const timer = setTimeout(() => outgoing.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
      outgoing.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      if (body && sent.framing === 'chunked') outgoing.write(body.subarray(0, body.length >> 1));
      outgoing.end(body && sent.framing === 'chunked' ? body.subarray(body.length >> 1) : body);
    });
  }

  private sendRaw(sent: Exchange['sent']): Promise<Omit<Exchange, 'sent' | 'milliseconds'>> {
    const bytes = rawBytes(sent, `${this.host}:${this.port}`);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      // written, not ended: node's server drops the answers of a connection its client half-closed
      const socket = connect(this.port, this.host, () => socket.write(bytes));
      const finish = (error?: Error) => {
        clearTimeout(timer);
        socket.destroy();
        const received = Buffer.concat(chunks);
        // a server that closes with unread request bytes may reset the connection after its answer
        if (received.length > 0) resolve(parseRawAnswer(received));
        else reject(error ?? new Error('the connection closed without an answer'));
      };
      const timer = setTimeout(() => finish(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => finish());
      socket.on('error', finish);
    });
  }
}

function parsed(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The request as bytes, with its defect written in. */
function rawBytes(sent: Exchange['sent'], host: string): Buffer {
  const defect = sent.wireDefect;
  const body = Buffer.from(sent.body ?? '');
  let target = sent.target;
  if (defect === 'space-in-target') target = target.replace('/v1/', '/v1 /');
  if (defect === 'absolute-form-target') target = `http://${host}${target}`;
  const lines = [`${sent.method} ${target} ${defect === 'http-1.0' ? 'HTTP/1.0' : 'HTTP/1.1'}`];
  if (defect !== 'no-host') lines.push(`Host: ${host}`);
  for (const [name, value] of sent.headers) lines.push(defect === 'space-before-colon' && name === 'authorization' ? `${name} : ${value}` : `${name}: ${value}`);
  if (defect === 'control-character-in-header') lines.push('x-fuzz: a\u0001b\u0000c\u007f');
  if (defect === 'folded-header') lines.push('x-folded: first', ' second');
  if (defect === 'many-headers') for (let i = 0; i < 300; i++) lines.push(`x-many-${i}: ${i}`);
  const chunked = defect === 'bad-chunk-size' || defect === 'content-length-and-chunked' || (sent.framing === 'chunked' && body.length > 0);
  if (chunked) lines.push('Transfer-Encoding: chunked');
  if (!chunked || defect === 'content-length-and-chunked') lines.push(`Content-Length: ${body.length}`);
  if (defect === 'two-content-lengths') lines.push(`Content-Length: ${body.length + 1}`);
  lines.push('Connection: close');
  const head = lines.join(defect === 'bare-line-feeds' ? '\n' : '\r\n') + (defect === 'bare-line-feeds' ? '\n\n' : '\r\n\r\n');
  let payload = body;
  if (defect === 'bad-chunk-size') payload = Buffer.concat([Buffer.from(`ZZ\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
  else if (chunked) payload = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from(body.length > 0 ? '\r\n0\r\n\r\n' : '\r\n')]);
  // the target's raw UTF-8 is the defect: encode the head as UTF-8 then, as latin1 otherwise (header values hold bytes)
  return Buffer.concat([Buffer.from(defect === 'utf8-in-target' ? head.replace('/v1/', '/v1/ünïcødé/') : head, defect === 'utf8-in-target' ? 'utf8' : 'latin1'), payload]);
}

/** One HTTP/1.1 answer read off a connection the server closed: status, content type and the body (de-chunked). */
function parseRawAnswer(bytes: Buffer): Omit<Exchange, 'sent' | 'milliseconds'> {
  const headerEnd = bytes.indexOf('\r\n\r\n');
  if (headerEnd < 0) return { failure: `an answer without a complete head: ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}` };
  const [statusLine, ...headerLines] = bytes.subarray(0, headerEnd).toString('latin1').split('\r\n');
  const headers = new Map(headerLines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  let body = bytes.subarray(headerEnd + 4);
  if (headers.get('transfer-encoding') === 'chunked') {
    const parts: Buffer[] = [];
    for (let at = 0; at < body.length; ) {
      const lineEnd = body.indexOf('\r\n', at);
      const size = parseInt(body.subarray(at, lineEnd).toString(), 16);
      if (!(size > 0)) break;
      parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else if (headers.has('content-length')) {
    body = body.subarray(0, Number(headers.get('content-length')));
  }
  return { status: Number(statusLine.split(' ')[1]), contentType: headers.get('content-type') ?? null, body: parsed(body), bytes: body };
}
