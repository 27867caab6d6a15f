import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fast paths' schema:
 * - `event_positions`: the counter that hands out event positions in commit order. On SQLite
 *   (one writer at a time) a command takes its positions when it appends; on MySQL, where
 *   transactions commit in any order, events are stored without a position and the event
 *   sequencer gives them one after they committed (`events.position` becomes nullable and unique,
 *   the aggregate sequence key becomes the primary key).
 * - `login_policies.second_factors` / `multi_factors`: the factor lists in adding order, so a read
 *   is one row (`login_policy_factors` stays: its key forbids a factor twice).
 * Existing data is carried over.
 */
export class CommitOrderedPositions1764900000000 implements MigrationInterface {
  name = 'CommitOrderedPositions1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    const mysql = runner.connection.options.type === 'mysql';
    if (mysql) {
      await runner.query('CREATE TABLE event_positions (id TINYINT UNSIGNED NOT NULL, last_position BIGINT UNSIGNED NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin');
      await runner.query(
        'ALTER TABLE events DROP PRIMARY KEY, MODIFY position BIGINT UNSIGNED NULL, DROP INDEX uq_events_aggregate_sequence, ' +
          'ADD PRIMARY KEY (instance_id, aggregate_type, aggregate_id, sequence), ADD UNIQUE KEY uq_events_position (position)',
      );
    } else {
      await runner.query('CREATE TABLE event_positions (id integer NOT NULL, last_position bigint NOT NULL, PRIMARY KEY (id))');
    }
    await runner.query('INSERT INTO event_positions (id, last_position) SELECT 1, COALESCE(MAX(position), 0) FROM events');
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
    if (mysql) {
      await runner.query(
        'ALTER TABLE events DROP INDEX uq_events_position, DROP PRIMARY KEY, MODIFY position BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, ' +
          'ADD PRIMARY KEY (position), ADD UNIQUE KEY uq_events_aggregate_sequence (instance_id, aggregate_type, aggregate_id, sequence)',
      );
    }
    await runner.query('DROP TABLE event_positions');
  }
}
