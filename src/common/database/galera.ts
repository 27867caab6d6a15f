import type { Pool } from 'mysql2';

/**
 * MariaDB Galera is only virtually synchronous: a transaction committed through one node is
 * applied on the others a moment later, so a read on another node right after could miss it.
 * `wsrep_sync_wait = 1` makes a read first wait until its node has applied everything the cluster
 * committed before the read began. It is set per statement (MariaDB's `SET STATEMENT … FOR`), on
 * every read of the service (the read path's kept-row generation check, keyed reads, a command's
 * reads), so no caller reads older than a write that finished before, through any node.
 */
export function causalRead(sql: string): string {
  return `SET STATEMENT wsrep_sync_wait = 1 FOR ${sql}`;
}

/** Whether the pool's server is a Galera node (`wsrep_on`); MySQL, which has no such variable, is not. */
export function isGaleraNode(pool: Pool): Promise<boolean> {
  return new Promise((resolve) => {
    pool.query('SELECT @@wsrep_on AS wsrep_on', (error, rows) => resolve(!error && Number((rows as { wsrep_on?: unknown }[])[0]?.wsrep_on) === 1));
  });
}

/**
 * The readiness check on a Galera node: it must be `Synced` and ready for statements. A node
 * that is joining, a donor, or cut off from the cluster's majority is not, so `/debug/ready` is
 * 503 there and a load balancer that routes by it sends the traffic to another node's process.
 */
export function galeraNodeReady(pool: Pool): Promise<void> {
  const sql = "SELECT VARIABLE_NAME AS name, VARIABLE_VALUE AS value FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('WSREP_READY', 'WSREP_LOCAL_STATE_COMMENT')";
  return new Promise((resolve, reject) => {
    pool.query(sql, (error, rows) => {
      if (error) return reject(error);
      const status = new Map((rows as { name: string; value: string }[]).map(({ name, value }) => [name.toUpperCase(), value]));
      const ready = status.get('WSREP_READY');
      const state = status.get('WSREP_LOCAL_STATE_COMMENT');
      if (ready === 'ON' && state === 'Synced') resolve();
      else reject(new Error(`the Galera node is not ready for statements (wsrep_ready ${ready ?? '?'}, state ${state ?? '?'})`));
    });
  });
}
