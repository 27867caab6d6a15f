import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort } from './processes.js';

const run = promisify(execFile);
const PROVIDER = '/usr/lib/galera/libgalera_smm.so';
const SERVER = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';
/** How long a node that starts may take to be Synced. */
const SYNCED_WITHIN_MS = 180_000;

/** Why a Galera cluster cannot be started here, or undefined when it can. */
export const missingGalera: string | undefined = ![PROVIDER, SERVER, INSTALL_DB, '/usr/bin/rsync'].every((file) => existsSync(file))
  ? `Galera needs ${PROVIDER}, ${SERVER}, ${INSTALL_DB} and rsync (Debian: mariadb-server galera-4 rsync)`
  : process.getuid?.() !== 0
    ? 'the Galera nodes run as the mysql user, which needs root to start them'
    : undefined;

interface NodePorts {
  sql: number;
  gcomm: number;
  ist: number;
  sst: number;
}

/**
 * A three-node MariaDB Galera cluster of the test's own, on free ports and in a temporary folder:
 * node 1 bootstraps a new cluster from a fresh data directory, nodes 2 and 3 join it by state
 * transfer (rsync). The nodes run as the mysql user (rsync writes their files). A node can be
 * killed (SIGKILL) and started again: it recovers its position first (`--wsrep-recover`) and starts
 * from it (`--wsrep-start-position`), so it rejoins by incremental state transfer (IST: the donor
 * sends the missed write sets from its gcache and keeps serving) instead of a full copy (rsync
 * SST, for which the donor blocks its writes while it flushes its tables).
 */
export class GaleraCluster {
  private readonly servers: (ChildProcess | undefined)[] = [];

  private constructor(
    private readonly dir: string,
    private readonly ports: NodePorts[],
  ) {}

  static async start(): Promise<GaleraCluster> {
    if (missingGalera) throw new Error(missingGalera);
    const dir = await mkdtemp(join(tmpdir(), 'lpf-galera-'));
    await chmod(dir, 0o755);
    const ports: NodePorts[] = [];
    for (let i = 0; i < 3; i++) ports.push({ sql: await freePort(), gcomm: await freePort(), ist: await freePort(), sst: await freePort() });
    const cluster = new GaleraCluster(dir, ports);
    await run(INSTALL_DB, ['--no-defaults', `--datadir=${join(dir, 'seed')}`, '--user=mysql', '--auth-root-authentication-method=normal', '--skip-test-db']);
    await cp(join(dir, 'seed'), cluster.dataDir(0), { recursive: true });
    for (const node of [1, 2]) await mkdir(cluster.dataDir(node));
    await run('chown', ['-R', 'mysql:mysql', dir]);
    await cluster.startNode(0, ['--wsrep-new-cluster']);
    await Promise.all([cluster.startNode(1), cluster.startNode(2)]);
    await cluster.query(0, 'CREATE DATABASE lpf CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
    return cluster;
  }

  /** The database URL of node `i` (0, 1 or 2). */
  url(i: number): string {
    return this.urls([i]);
  }

  /** One database URL naming the nodes `order` in that order (the connectors' comma form: `host1:port1,host2:port2`). */
  urls(order: number[]): string {
    return `mysql://root@${order.map((i) => `127.0.0.1:${this.ports[i].sql}`).join(',')}/lpf`;
  }

  async query(i: number, sql: string): Promise<Record<string, unknown>[]> {
    const connection = await createConnection({ host: '127.0.0.1', port: this.ports[i].sql, user: 'root' });
    try {
      const [rows] = await connection.query(sql);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    } finally {
      await connection.end();
    }
  }

  /** Whether node `i` serves statements (Synced, `wsrep_ready` ON) as the service asks it; false when it does not answer within `timeoutMs`. */
  async nodeUsable(i: number, timeoutMs: number): Promise<boolean> {
    const asked = this.query(i, "SHOW STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state_comment')").then(
      (rows) => {
        const status = new Map(rows.map((row) => [String(row.Variable_name), String(row.Value)]));
        return status.get('wsrep_ready') === 'ON' && status.get('wsrep_local_state_comment') === 'Synced';
      },
      () => false,
    );
    return Promise.race([asked, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref())]);
  }

  /** Kills node `i` with SIGKILL (a crash) and waits until it is gone. */
  async kill(i: number): Promise<void> {
    const server = this.servers[i];
    this.servers[i] = undefined;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve());
      server.kill('SIGKILL');
    });
  }

  /**
   * Starts a killed node again: it recovers its last position (`--wsrep-recover` writes it to
   * its log only; grastate.dat keeps `seqno: -1` after a crash), starts from it, and rejoins by
   * IST. Resolves once it is Synced.
   */
  async restart(i: number): Promise<void> {
    const log = join(this.dir, `recover-${i}.log`);
    await rm(log, { force: true });
    await run(SERVER, [...this.args(i), '--wsrep-recover', `--log-error=${log}`]);
    const position = /WSREP: Recovered position:\s*([0-9a-f-]{36}:-?\d+)/.exec(await readFile(log, 'utf8'))?.[1];
    if (position === undefined) throw new Error(`node ${i}: no recovered position in ${log}: ${await tail(log)}`);
    await this.startNode(i, [`--wsrep-start-position=${position}`]);
  }

  /**
   * How the node caught up the last time it started, from its log: `IST` when it asked for the
   * write sets after a known position, `SST` when it asked for everything (position uuid all zeros).
   */
  async lastJoin(i: number): Promise<string> {
    const text = await readFile(join(this.dir, `node${i}.log`), 'utf8');
    const recent = text.slice(Math.max(0, text.lastIndexOf('Starting MariaDB')));
    const asked = /IST uuid:([0-9a-f-]{36}) f: (\d+)/.exec(recent);
    if (!asked) return 'unknown';
    return /^[0-]+$/.test(asked[1]) ? 'SST' : `IST from ${asked[2]}`;
  }

  /**
   * Waits until each of `nodes` shows a primary component of `size` members: after a kill, the
   * others have dropped the killed node (after `evs.suspect_timeout`, 5 s by default). Resolves
   * with the milliseconds waited.
   */
  async waitForClusterSize(size: number, nodes: number[], timeoutMs = 60_000): Promise<number> {
    const start = Date.now();
    for (;;) {
      const sizes = await Promise.all(
        nodes.map((i) =>
          this.query(i, "SHOW STATUS LIKE 'wsrep_cluster_size'").then(
            ([row]) => Number(row?.Value),
            () => -1,
          ),
        ),
      );
      if (sizes.every((seen) => seen === size)) return Date.now() - start;
      if (Date.now() - start > timeoutMs) throw new Error(`nodes ${nodes.join(', ')} show cluster sizes ${sizes.join(', ')}, not ${size}, after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((_, i) => this.kill(i)));
    await rm(this.dir, { recursive: true, force: true });
  }

  private dataDir(i: number): string {
    return join(this.dir, `node${i}`);
  }

  private args(i: number): string[] {
    const { sql, gcomm, ist, sst } = this.ports[i];
    const members = this.ports.map((ports) => `127.0.0.1:${ports.gcomm}`).join(',');
    return [
      '--no-defaults',
      '--user=mysql',
      `--datadir=${this.dataDir(i)}`,
      `--port=${sql}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(this.dir, `node${i}.sock`)}`,
      `--pid-file=${join(this.dir, `node${i}.pid`)}`,
      '--binlog-format=ROW',
      '--default-storage-engine=InnoDB',
      '--innodb-autoinc-lock-mode=2',
      '--innodb-buffer-pool-size=32M',
      '--innodb-log-file-size=16M',
      '--wsrep-on=ON',
      `--wsrep-provider=${PROVIDER}`,
      '--wsrep-cluster-name=lpf-test',
      `--wsrep-cluster-address=gcomm://${members}`,
      `--wsrep-node-address=127.0.0.1:${gcomm}`,
      `--wsrep-node-name=node${i}`,
      `--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${gcomm};ist.recv_addr=127.0.0.1:${ist};gcache.size=64M`,
      '--wsrep-sst-method=rsync',
      `--wsrep-sst-receive-address=127.0.0.1:${sst}`,
    ];
  }

  /**
   * Starts node `i` and waits (at most 180 s) until it is Synced with the cluster: a rejoin by IST
   * took 11–19 s here, but one CI run of 2026-12-05 on a busy machine did not see it Synced within 90 s.
   */
  private async startNode(i: number, extra: string[] = []): Promise<void> {
    const log = join(this.dir, `node${i}.log`);
    const server = spawn(SERVER, [...this.args(i), `--log-error=${log}`, ...extra], { stdio: 'ignore' });
    this.servers[i] = server;
    const deadline = Date.now() + SYNCED_WITHIN_MS;
    while (Date.now() < deadline) {
      if (server.exitCode !== null) throw new Error(`node ${i} exited with ${server.exitCode}: ${await tail(log)}`);
      try {
        const [row] = await this.query(i, "SHOW STATUS LIKE 'wsrep_local_state_comment'");
        if (row?.Value === 'Synced') return;
      } catch {
        // not accepting connections yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`node ${i} was not Synced within ${SYNCED_WITHIN_MS / 1000} s: ${await tail(log)}`);
  }
}

async function tail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '(no log)');
  return text.split('\n').slice(-15).join('\n');
}
