import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fast paths' schema:
 * - `event_positions`: the counter that hands out event positions in commit order (it replaces
 *   MySQL's auto increment on `events.position`, which is taken at insert, not at commit);
 * - `event_streams`: each aggregate's last sequence, which commands read with their state;
 * - `login_policies.second_factors` / `multi_factors`: the factor lists in adding order, so a read
 *   is one row (`login_policy_factors` stays: its key forbids a factor twice).
 * Existing data is carried over.
 */
export class CommitOrderedPositions1764900000000 implements MigrationInterface {
  name = 'CommitOrderedPositions1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    const mysql = runner.connection.options.type === 'mysql';
    const table = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
    await runner.query(`CREATE TABLE event_positions (id ${mysql ? 'TINYINT UNSIGNED' : 'integer'} NOT NULL, last_position ${mysql ? 'BIGINT UNSIGNED' : 'bigint'} NOT NULL, PRIMARY KEY (id))${table}`);
    await runner.query('INSERT INTO event_positions (id, last_position) SELECT 1, COALESCE(MAX(position), 0) FROM events');
    if (mysql) await runner.query('ALTER TABLE events MODIFY position BIGINT UNSIGNED NOT NULL');
    await runner.query(
      `CREATE TABLE event_streams (instance_id ${mysql ? 'VARCHAR(32)' : 'varchar(32)'} NOT NULL, aggregate_type ${mysql ? 'VARCHAR(32)' : 'varchar(32)'} NOT NULL, ` +
        `aggregate_id ${mysql ? 'VARCHAR(32)' : 'varchar(32)'} NOT NULL, sequence ${mysql ? 'BIGINT UNSIGNED' : 'bigint'} NOT NULL, ` +
        `PRIMARY KEY (instance_id, aggregate_type, aggregate_id))${table}`,
    );
    await runner.query(
      'INSERT INTO event_streams (instance_id, aggregate_type, aggregate_id, sequence) SELECT instance_id, aggregate_type, aggregate_id, MAX(sequence) FROM events GROUP BY instance_id, aggregate_type, aggregate_id',
    );
    for (const column of ['second_factors', 'multi_factors']) {
      await runner.query(`ALTER TABLE login_policies ADD COLUMN ${column} ${mysql ? 'VARCHAR(64)' : 'varchar(64)'} NOT NULL DEFAULT ''`);
    }
    const factors: { instance_id: string; owner_id: string; kind: string; factor_type: number | string }[] = await runner.query(
      'SELECT instance_id, owner_id, kind, factor_type FROM login_policy_factors ORDER BY instance_id, owner_id, sequence',
    );
    const lists = new Map<string, { instanceId: string; ownerId: string; second: number[]; multi: number[] }>();
    for (const row of factors) {
      const key = `${row.instance_id}/${row.owner_id}`;
      const list = lists.get(key) ?? { instanceId: row.instance_id, ownerId: row.owner_id, second: [], multi: [] };
      (row.kind === 'multi' ? list.multi : list.second).push(Number(row.factor_type));
      lists.set(key, list);
    }
    for (const list of lists.values()) {
      await runner.query('UPDATE login_policies SET second_factors = ?, multi_factors = ? WHERE instance_id = ? AND owner_id = ?', [
        list.second.join(','),
        list.multi.join(','),
        list.instanceId,
        list.ownerId,
      ]);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    const mysql = runner.connection.options.type === 'mysql';
    for (const column of ['second_factors', 'multi_factors']) await runner.query(`ALTER TABLE login_policies DROP COLUMN ${column}`);
    await runner.query('DROP TABLE event_streams');
    if (mysql) await runner.query('ALTER TABLE events MODIFY position BIGINT UNSIGNED NOT NULL AUTO_INCREMENT');
    await runner.query('DROP TABLE event_positions');
  }
}
