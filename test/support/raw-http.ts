import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { ApiResponse } from './test-app.js';

/**
 * Sends `request` as it is over a new TCP connection to the app at `url` and reads the one answer
 * until the server closes the connection. For what fetch will not send: malformed HTTP, oversized
 * headers, raw percent-encoding. The request should carry `Connection: close` when it is valid.
 */
export function rawRequest(url: string, request: string | Buffer): Promise<ApiResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => socket.end(request));
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      const received = Buffer.concat(chunks);
      // a server that closes with unread request bytes may reset the connection after its answer
      if (received.length > 0) resolve(parseResponse(received));
      else reject(error ?? new Error('the connection closed without an answer'));
    };
    const timer = setTimeout(() => finish(new Error('no answer within 10 s')), 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish());
    socket.on('error', finish);
  });
}

function parseResponse(bytes: Buffer): ApiResponse {
  const text = bytes.toString('utf8');
  const headerEnd = text.indexOf('\r\n\r\n');
  const [statusLine, ...headerLines] = text.slice(0, headerEnd).split('\r\n');
  const headers = new Headers();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const rawBody = text.slice(headerEnd + 4);
  let body: unknown = rawBody;
  try {
    body = JSON.parse(rawBody);
  } catch {
    // not JSON: keep the text
  }
  return { status: Number(statusLine.split(' ')[1]), body, headers };
}

export interface RawAnswer {
  status: number;
  headers: import('node:http').IncomingHttpHeaders;
  bytes: Buffer;
}

/**
 * Sends one request whose headers may repeat a name (`[name, value]` pairs, in order), which
 * fetch cannot send (it joins repeated values into one header), and reads the whole answer.
 */
export function requestWithHeaders(url: string, method: string, path: string, headers: [string, string][], body?: string | Buffer): Promise<RawAnswer> {
  // node's client takes a repeated header as one name with an array of values (names compared without case)
  const grouped = new Map<string, string[]>();
  for (const [name, value] of headers) grouped.set(name.toLowerCase(), [...(grouped.get(name.toLowerCase()) ?? []), value]);
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, url), { method }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    // an array value goes out as one header line per value
    for (const [name, values] of grouped) request.setHeader(name, values.length === 1 ? values[0] : values);
    request.on('error', reject);
    request.end(body);
  });
}
