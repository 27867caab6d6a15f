import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';

/** A fresh database `lpf_bench_<random>` beside the one `baseUrl` names, for one table run. */
export class BenchDatabase {
  private constructor(
    private readonly serverUrl: string,
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(baseUrl: string): Promise<BenchDatabase> {
    const name = `lpf_bench_${randomBytes(4).toString('hex')}`;
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    const database = new BenchDatabase(serverUrlOf(baseUrl), name, url.toString());
    await database.run(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    return database;
  }

  /**
   * Waits until InnoDB purged the history the setup left behind (MariaDB's
   * `innodb_max_purge_lag_wait`; a server without it is not waited for), so the rows do not share
   * the machine with the server's background purge. Returns the seconds waited, or undefined.
   */
  async settle(): Promise<number | undefined> {
    const started = performance.now();
    try {
      await this.run('SET GLOBAL innodb_max_purge_lag_wait = 0');
    } catch {
      return undefined;
    }
    return (performance.now() - started) / 1000;
  }

  drop(): Promise<void> {
    return this.run(`DROP DATABASE IF EXISTS \`${this.name}\``);
  }

  private async run(sql: string): Promise<void> {
    const connection = await createConnection({ uri: this.serverUrl });
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  }
}

export interface MysqlServerInfo {
  version: string;
  /** Durability settings that bound the write rows. */
  settings: string;
}

/** Version and durability settings of the server, or undefined when it cannot be reached. */
export async function mysqlServerInfo(baseUrl: string): Promise<MysqlServerInfo | undefined> {
  try {
    const connection = await createConnection({ uri: serverUrlOf(baseUrl), connectTimeout: 3000 });
    try {
      const [rows] = await connection.query(
        'SELECT VERSION() AS version, @@innodb_flush_log_at_trx_commit AS flush, @@sync_binlog AS syncBinlog, @@log_bin AS logBin, @@innodb_buffer_pool_size AS pool',
      );
      const row = (rows as Record<string, string | number>[])[0];
      const pool = `${(Number(row.pool) / 2 ** 20).toFixed(0)} MiB`;
      return {
        version: String(row.version),
        settings: `innodb_flush_log_at_trx_commit=${row.flush}, sync_binlog=${row.syncBinlog}, log_bin=${row.logBin}, innodb_buffer_pool_size=${pool}`,
      };
    } finally {
      await connection.end();
    }
  } catch {
    return undefined;
  }
}

/** The URL without its database, so connecting never depends on that database existing. */
function serverUrlOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.pathname = '/';
  return url.toString();
}
