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
