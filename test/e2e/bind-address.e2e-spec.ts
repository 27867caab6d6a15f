import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, outputOf, runScript, startService, stop } from '../support/processes.js';

/** Whether a TCP connection to host:port is accepted (refused, unreachable or silent for 2 s: no). */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    const done = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** Whether a server bound to every interface on `host`'s family is reachable at `host`: is it an address of this machine that connections reach? */
async function reachableHere(host: string): Promise<boolean> {
  const server = createServer((socket) => socket.destroy());
  const family = host.includes(':') ? '::' : '0.0.0.0';
  await new Promise<void>((resolve) => server.listen(0, family, resolve));
  try {
    return await accepts(host, (server.address() as { port: number }).port);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** This machine's addresses other than 127.0.0.1 that a connection can reach (on Linux all of 127/8 is loopback). */
async function otherLocalAddresses(): Promise<string[]> {
  const candidates = [
    ...(process.platform === 'linux' ? ['127.0.0.2'] : []),
    ...Object.values(networkInterfaces())
      .flatMap((addresses) => addresses ?? [])
      .filter((address) => address.address !== '127.0.0.1' && !address.address.startsWith('fe80:'))
      .map((address) => address.address),
  ];
  const reachable: string[] = [];
  for (const address of candidates) if (await reachableHere(address)) reachable.push(address);
  return reachable;
}

describe('the bind addresses (HTTP_HOST, GRPC_HOST)', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lpf-bind-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('HTTP_HOST=127.0.0.1 and GRPC_HOST=127.0.0.1: both ports listen there and on no other local address, and the start-up line says so', async (t) => {
    const others = await otherLocalAddresses();
    t.diagnostic(others.length > 0 ? `other local addresses checked: ${others.join(', ')}` : 'this machine has no local address besides 127.0.0.1: only the address listened on is checked');
    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    const service = await startService({ DATA_DIR: dataDir, HTTP_HOST: '127.0.0.1', GRPC_HOST: '127.0.0.1', GRPC_PORT: String(grpcPort), LOG_LEVEL: 'info' }, httpPort);
    try {
      assert.equal((await fetch(`http://127.0.0.1:${httpPort}/debug/healthz`)).status, 200);
      assert.equal(await accepts('127.0.0.1', grpcPort), true, 'gRPC listens on 127.0.0.1');
      for (const address of others) {
        assert.equal(await accepts(address, httpPort), false, `HTTP is not reachable on ${address}`);
        assert.equal(await accepts(address, grpcPort), false, `gRPC is not reachable on ${address}`);
      }
      assert.match(outputOf(service), new RegExp(`listening on http://127\\.0\\.0\\.1:${httpPort} \\(REST.*gRPC on 127\\.0\\.0\\.1:${grpcPort};`));
    } finally {
      assert.equal(await stop(service), 0);
    }
  });

  it('HTTP_HOST=::1 and GRPC_HOST=::1 (IPv6): the service answers on [::1], not on 127.0.0.1, and the start-up line writes the addresses in brackets', async (t) => {
    if (!(await reachableHere('::1'))) return t.skip('no IPv6 loopback on this machine');
    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    const service = await startService({ DATA_DIR: dataDir, HTTP_HOST: '::1', GRPC_HOST: '::1', GRPC_PORT: String(grpcPort), LOG_LEVEL: 'info' }, httpPort, '[::1]');
    try {
      assert.equal((await fetch(`http://[::1]:${httpPort}/debug/healthz`)).status, 200);
      assert.equal(await accepts('::1', grpcPort), true, 'gRPC listens on ::1');
      assert.equal(await accepts('127.0.0.1', httpPort), false, 'HTTP is not reachable on 127.0.0.1');
      assert.equal(await accepts('127.0.0.1', grpcPort), false, 'gRPC is not reachable on 127.0.0.1');
      assert.match(outputOf(service), new RegExp(`listening on http://\\[::1\\]:${httpPort} \\(REST.*gRPC on \\[::1\\]:${grpcPort};`));
    } finally {
      assert.equal(await stop(service), 0);
    }
  });

  it('an HTTP_HOST that is not an address of this machine stops start-up with exit code 1 and one line naming the variable', async () => {
    const foreign = ['203.0.113.77', '198.51.100.77'].find((address) => !Object.values(networkInterfaces()).some((list) => list?.some((entry) => entry.address === address)));
    const result = await runScript('dist/src/main.js', [], { DATA_DIR: dataDir, HTTP_HOST: foreign as string, HTTP_PORT: String(await freePort()) });
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `Cannot start: HTTP_HOST ${foreign} is not an address of this machine (EADDRNOTAVAIL; set HTTP_HOST to one of its addresses or host names, or 0.0.0.0 for every IPv4 interface)\n`,
    );
  });

  it('a port busy on the configured address stops start-up with one line naming the port, the host and their variables', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const busy = (squatter.address() as { port: number }).port;
    try {
      const result = await runScript('dist/src/main.js', [], { DATA_DIR: dataDir, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(busy) });
      assert.equal(result.code, 1);
      assert.equal(result.stderr, `Cannot start: HTTP_PORT ${busy} on HTTP_HOST 127.0.0.1 is already in use by another process (stop it, or set HTTP_PORT to a free port)\n`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
