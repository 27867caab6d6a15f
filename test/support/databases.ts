import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';

/** The databases the e2e suites run on: always SQLite, and MariaDB/MySQL when TEST_DATABASE_URL is set. */
export type DatabaseKind = 'sqlite' | 'mysql';

export const MYSQL_URL = process.env.TEST_DATABASE_URL;
export const DATABASES: DatabaseKind[] = MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];

/** A fresh, empty MySQL database beside the one TEST_DATABASE_URL names; dropped by `drop()`. */
export async function createMysqlDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!MYSQL_URL) throw new Error('TEST_DATABASE_URL is not set');
  const base = new URL(MYSQL_URL);
  const name = `lpf_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = await createConnection({ uri: withDatabase(base, '') });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(base, name),
    drop: async () => {
      const connection = await createConnection({ uri: withDatabase(base, '') });
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

function withDatabase(base: URL, name: string): string {
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return url.toString();
}
