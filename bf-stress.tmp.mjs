import { GaleraCluster } from './dist/test/support/galera-cluster.js';
import { createConnection } from 'mysql2/promise';
const guard = process.argv[2] ?? 'none';
const cluster = await GaleraCluster.start();
const port = (i) => Number(/:(\d+)\//.exec(cluster.url(i))[1]);
const N = 12;
try {
  const setup = await createConnection({ host: '127.0.0.1', port: port(0), user: 'root', multipleStatements: true, database: 'lpf' });
  await setup.query(`CREATE TABLE t (id INT PRIMARY KEY, v INT) ENGINE=InnoDB; INSERT INTO t VALUES ${Array.from({ length: N }, (_, i) => `(${i + 1},0)`).join(',')}`);
  await new Promise((r) => setTimeout(r, 500));
  const updates = Array.from({ length: N }, (_, i) => `UPDATE t SET v = v + 1 WHERE id = ${i + 1}`);
  const batch = guard === 'none' ? ['START TRANSACTION', ...updates, 'COMMIT'].join(';\n')
    : ['SET autocommit = 0', 'START TRANSACTION', 'SAVEPOINT unit', ...updates, 'RELEASE SAVEPOINT unit', 'COMMIT', 'SET autocommit = 1'].join(';\n');
  let ok = 0, failed = 0; const errors = new Map();
  const end = Date.now() + 20000;
  const worker = async (node) => {
    const c = await createConnection({ host: '127.0.0.1', port: port(node), user: 'root', multipleStatements: true, database: 'lpf' });
    while (Date.now() < end) {
      try { await c.query(batch); ok++; } catch (e) { failed++; errors.set(e.message, (errors.get(e.message) ?? 0) + 1); await c.query('ROLLBACK').catch(() => undefined); await c.query('SET autocommit = 1').catch((e) => console.log('reset failed', e.message)); }
    }
    await c.end();
  };
  await Promise.all([0, 0, 0, 1, 1, 1, 2, 2].map(worker));
  await new Promise((r) => setTimeout(r, 1000));
  const [rows] = await setup.query('SET STATEMENT wsrep_sync_wait = 1 FOR SELECT v FROM t ORDER BY id');
  const values = rows.map((r) => r.v);
  console.log(guard, 'ok', ok, 'failed', failed, 'distinct values', [...new Set(values)].join(','), JSON.stringify([...errors]));
  await setup.end();
} finally { await cluster.stop(); }
