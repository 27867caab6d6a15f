import { MigrationInterface, QueryRunner } from 'typeorm';

/** The transactional outbox of the message bus and the lease of its relay. */
export class EventOutbox1764400000000 implements MigrationInterface {
  name = 'EventOutbox1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    if (runner.connection.options.type === 'mysql') {
      await runner.query(`CREATE TABLE \`event_outbox\` (
        \`position\` BIGINT UNSIGNED NOT NULL,
        PRIMARY KEY (\`position\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
      await runner.query(`CREATE TABLE \`outbox_lease\` (
        \`name\` VARCHAR(64) NOT NULL,
        \`holder\` VARCHAR(64) NOT NULL,
        \`expires_at\` BIGINT NOT NULL,
        PRIMARY KEY (\`name\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    } else {
      await runner.query(`CREATE TABLE "event_outbox" ("position" bigint NOT NULL, PRIMARY KEY ("position"))`);
      await runner.query(`CREATE TABLE "outbox_lease" (
        "name" varchar(64) NOT NULL,
        "holder" varchar(64) NOT NULL,
        "expires_at" bigint NOT NULL,
        PRIMARY KEY ("name")
      )`);
    }
    await runner.query(`INSERT INTO outbox_lease (name, holder, expires_at) VALUES ('relay', '', 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE outbox_lease');
    await runner.query('DROP TABLE event_outbox');
  }
}
