// The floor for rows 7 and 8: node:http answering each org's own bytes, the very answer the service
// gave for that org (captured once after the setup), looked up by `x-zitadel-orgid` in a Map. No
// routing, auth or database: what is left of "10,000 orgs against 10" is what any server pays for
// keeping and touching 10,000 answers on this machine, beside the load generator.
//
//   node dist/bench/floors/org-answer-server.js PORT ANSWERS_FILE
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [port, answersFile] = process.argv.slice(2);
const captured = JSON.parse(readFileSync(answersFile, 'utf8')) as { contentType: string; answers: Record<string, string> };
const answers = new Map(Object.entries(captured.answers).map(([org, body]) => [org, Buffer.from(body)]));

const server = createServer((request, response) => {
  // the request body is read to its end before answering, as any real handler must
  request.resume();
  request.on('end', () => {
    const body = request.method === 'POST' ? answers.get(String(request.headers['x-zitadel-orgid'])) : undefined;
    if (body === undefined) {
      response.writeHead(request.method === 'POST' ? 404 : 405).end();
      return;
    }
    response.writeHead(200, { 'content-type': captured.contentType, 'content-length': body.length }).end(body);
  });
});
server.listen(Number(port), '127.0.0.1', () => console.log(`ready on port ${port}`));
process.once('SIGTERM', () => process.exit(0));
