// What causal reads cost: the service's read throughput on a Galera node against a single MariaDB,
// in the same run, wrk as the load (as the main table's rows).
//
//   npm run -s build && node dist/bench/galera-reads.js [--seconds 5] [--rounds 3] [--mysql-url URL]
//
// Starts a three-node Galera cluster of its own (test/support/galera-cluster.ts: needs root,
// galera-4 and rsync), a service process on one of its nodes and one on a fresh database of the
// single server (the machine's MariaDB), then measures the same authenticated read on both in
// alternating slices, twice: with no writes (the kept rows answer, after one causal generation
// check per batch of reads), and while a writer changes the instance default (most reads go to
// the database, each a causal read on the cluster).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GaleraCluster, missingGalera } from '../test/support/galera-cluster.js';
import { BenchDatabase } from './support/mysql-database.js';
import { Service } from './support/service.js';
import { TokenMinter } from './support/tokens.js';
import { WrkLoad, WrkResult, pooledWrkResults, runWrk } from './support/wrk.js';

const ADMIN_LIST_2FA = '/admin/v1/policies/login/second_factors/_search';

interface Target {
  name: string;
  service: Service;
  token: string;
}

/** Adds and removes OTP_SMS on the instance default, one change at a time, until stopped. */
function startWriter(target: Target): { stop: () => Promise<number> } {
  let running = true;
  let writes = 0;
  const headers = { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' };
  const loop = (async () => {
    for (let round = 0; running; round++) {
      const response =
        round % 2 === 0
          ? await fetch(`${target.service.baseUrl}/admin/v1/policies/login/second_factors`, { method: 'POST', headers, body: JSON.stringify({ type: 4 }) })
          : await fetch(`${target.service.baseUrl}/admin/v1/policies/login/second_factors/4`, { method: 'DELETE', headers });
      await response.arrayBuffer();
      if (response.ok) writes++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return writes;
    },
  };
}

async function measure(targets: Target[], seconds: number, rounds: number, withWriter: boolean): Promise<Map<string, { result: WrkResult; writes: number }>> {
  const slices = new Map<string, WrkResult[]>(targets.map((target) => [target.name, []]));
  const writes = new Map<string, number>(targets.map((target) => [target.name, 0]));
  for (let round = 0; round < rounds; round++) {
    // A B, then B A: the machine's drift moves both alike
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      const load: WrkLoad = { script: 'fixed-request', url: `${target.service.baseUrl}${ADMIN_LIST_2FA}`, headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' }, args: ['POST', '{}'] };
      const writer = withWriter ? startWriter(target) : undefined;
      slices.get(target.name)?.push(await runWrk(load, seconds));
      writes.set(target.name, (writes.get(target.name) ?? 0) + ((await writer?.stop()) ?? 0));
    }
  }
  return new Map(targets.map((target) => [target.name, { result: pooledWrkResults(slices.get(target.name) ?? []), writes: writes.get(target.name) ?? 0 }]));
}

function printRows(title: string, measured: Map<string, { result: WrkResult; writes: number }>, baseline: string): void {
  const base = measured.get(baseline)?.result;
  console.log(`\n${title}`);
  console.log('database                  req/s    p50 ms   p99 ms   rate ÷ single   non-2xx   writes meanwhile');
  for (const [name, { result, writes }] of measured) {
    const ratio = base ? (result.rate / base.rate).toFixed(3) : '-';
    console.log(
      `${name.padEnd(24)}${Math.round(result.rate).toString().padStart(7)}${result.p50Ms.toFixed(2).padStart(10)}${result.p99Ms.toFixed(2).padStart(9)}${ratio.padStart(16)}${String(result.non2xx).padStart(10)}${String(writes).padStart(19)}`,
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      'mysql-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test' },
    },
  });
  if (missingGalera) {
    console.error(`cannot run: ${missingGalera}`);
    process.exit(1);
  }
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  console.log('starting a three-node Galera cluster and a fresh database on the single server…');
  const cluster = await GaleraCluster.start();
  const single = await BenchDatabase.create(values['mysql-url'] as string);
  const dirs = [await mkdtemp(join(tmpdir(), 'lpf-bench-galera-')), await mkdtemp(join(tmpdir(), 'lpf-bench-single-'))];
  const services: Service[] = [];
  try {
    const targets: Target[] = [];
    for (const [i, [name, databaseUrl]] of [
      ['single MariaDB', single.url],
      ['Galera node (causal)', cluster.url(1)],
    ].entries()) {
      const service = await Service.launch({ dataDir: dirs[i], databaseUrl, nodeArgs: [] });
      services.push(service);
      targets.push({ name, service, token: await (await TokenMinter.forDataDir(dirs[i])).iamOwner() });
    }
    // warm-up of both
    await measure(targets, 2, 1, false);
    printRows(`admin list 2FA, no writes (${rounds} × ${seconds} s slices each, alternating; wrk 2 threads, 32 connections)`, await measure(targets, seconds, rounds, false), 'single MariaDB');
    printRows(`admin list 2FA while one writer changes the instance default (${rounds} × ${seconds} s slices each)`, await measure(targets, seconds, rounds, true), 'single MariaDB');
  } finally {
    for (const service of services) await service.stop();
    await single.drop();
    await cluster.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
