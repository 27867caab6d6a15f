import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort } from './processes.js';

const run = promisify(execFile);

function findProgram(...names: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];
  for (const name of names) for (const dir of dirs) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

const INSTALL_DB = findProgram('mariadb-install-db', 'mysql_install_db');
const SERVER = findProgram('mariadbd', 'mysqld');

/** Why a private MariaDB cannot be started here, or undefined when it can. */
export const missingMariaDb: string | undefined =
  INSTALL_DB && SERVER ? undefined : 'the MariaDB server programs are not installed (mariadb-install-db and mariadbd not found)';

/**
 * A MariaDB server of the test's own: a data directory made by `mariadb-install-db` in a
 * temporary folder, `mariadbd` on a free port with its own socket, so the test can kill it
 * (SIGKILL) and start it again on the same data without touching the machine's server.
 */
export class PrivateMariaDb {
  private server?: ChildProcess;
  /** The database the service uses. */
  readonly url: string;

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    this.url = `mysql://root@127.0.0.1:${port}/lpf`;
  }

  static async create(): Promise<PrivateMariaDb> {
    if (missingMariaDb) throw new Error(missingMariaDb);
    const dir = await mkdtemp(join(tmpdir(), 'lpf-mariadb-'));
    const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
    // root with an empty password over TCP, as on the machines' own server
    await run(INSTALL_DB!, ['--no-defaults', `--datadir=${join(dir, 'data')}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asRoot]);
    const database = new PrivateMariaDb(dir, await freePort());
    await database.start();
    const connection = await createConnection({ host: '127.0.0.1', port: database.port, user: 'root' });
    try {
      await connection.query('CREATE DATABASE lpf CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
    } finally {
      await connection.end();
    }
    return database;
  }

  /** Starts mariadbd on the data directory and waits until it accepts a connection. */
  async start(): Promise<void> {
    const args = [
      '--no-defaults',
      `--datadir=${join(this.dir, 'data')}`,
      `--port=${this.port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(this.dir, 'mariadbd.sock')}`,
      `--pid-file=${join(this.dir, 'mariadbd.pid')}`,
      `--log-error=${join(this.dir, 'error.log')}`,
      '--innodb-buffer-pool-size=32M',
      ...(process.getuid?.() === 0 ? ['--user=root'] : []),
    ];
    const server = spawn(SERVER!, args, { stdio: 'ignore' });
    this.server = server;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (server.exitCode !== null) throw new Error(`mariadbd exited with ${server.exitCode}: ${await this.errorLog()}`);
      try {
        const connection = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root' });
        await connection.end();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    server.kill('SIGKILL');
    throw new Error(`mariadbd did not accept connections within 30 s: ${await this.errorLog()}`);
  }

  /** Kills the server with SIGKILL (a crash: no shutdown, no flush beyond what it committed) and waits until it is gone. */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve());
      server.kill('SIGKILL');
    });
  }

  async remove(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async errorLog(): Promise<string> {
    return readFile(join(this.dir, 'error.log'), 'utf8').catch(() => '(no error log)');
  }
}
