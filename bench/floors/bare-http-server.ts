// The floor for reads: node:http answering every POST with the bytes the service answered for the
// measured read (status, content-type, body), with no routing, auth or database. What is left is
// the cost of HTTP/1.1 keep-alive in node itself.
//
//   node dist/bench/floors/bare-http-server.js PORT RESPONSE_FILE
import { createServer } from 'node:http';
import { readCannedResponse } from './canned-response.js';

const [port, responseFile] = process.argv.slice(2);
const canned = readCannedResponse(responseFile);
const body = Buffer.from(canned.body);
const headers = { 'content-type': canned.contentType, 'content-length': body.length };

const server = createServer((request, response) => {
  // the request body is read to its end before answering, as any real handler must
  request.resume();
  request.on('end', () => {
    if (request.method !== 'POST') {
      response.writeHead(405).end();
      return;
    }
    response.writeHead(canned.status, headers).end(body);
  });
});
server.listen(Number(port), '127.0.0.1', () => console.log(`ready on port ${port}`));
process.once('SIGTERM', () => process.exit(0));
