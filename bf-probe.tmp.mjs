import { GaleraCluster } from './dist/test/support/galera-cluster.js';
import { createConnection } from 'mysql2/promise';
const cluster = await GaleraCluster.start();
const port = (i) => Number(/:(\d+)\//.exec(cluster.url(i))[1]);
try {
  const c0 = await createConnection({ host: '127.0.0.1', port: port(0), user: 'root', multipleStatements: true, database: 'lpf' });
  const c1 = await createConnection({ host: '127.0.0.1', port: port(1), user: 'root', multipleStatements: true, database: 'lpf' });
  await c0.query('CREATE TABLE t (id INT PRIMARY KEY, v INT) ENGINE=InnoDB; INSERT INTO t VALUES (1,0),(2,0),(3,0)');
  await new Promise((r) => setTimeout(r, 500));
  for (const variant of ['idle', 'readview']) {
    await c0.query('UPDATE t SET v = 0');
    await new Promise((r) => setTimeout(r, 300));
    await c0.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION; SELECT v FROM t WHERE id = 1 FOR UPDATE');
    const batch = c0.query(variant === 'idle' ? 'UPDATE t SET v = 2 WHERE id = 2; DO SLEEP(1); UPDATE t SET v = 3 WHERE id = 3; COMMIT' : 'UPDATE t SET v = 2 WHERE id = 2; SELECT SLEEP(1); UPDATE t SET v = 3 WHERE id = 3; UPDATE t SET v = v + 1 WHERE id = 1; COMMIT');
    await new Promise((r) => setTimeout(r, 300));
    await c1.query('UPDATE t SET v = 100 WHERE id = 1');
    try {
      const r = await batch;
      console.log(variant, 'batch ok');
    } catch (e) { console.log(variant, 'batch error', e.message); try { await c0.query('ROLLBACK'); } catch {} }
    await new Promise((r) => setTimeout(r, 300));
    console.log(variant, 'node0', JSON.stringify((await c0.query('SELECT * FROM t'))[0]), 'node1', JSON.stringify((await c1.query('SELECT * FROM t'))[0]));
  }
  await c0.end(); await c1.end();
} finally { await cluster.stop(); }
