import { MigrationInterface, QueryRunner } from 'typeorm';

/** The org registry projection. */
export class Orgs1763900000000 implements MigrationInterface {
  name = 'Orgs1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    if (runner.connection.options.type === 'mysql') {
      await runner.query(`CREATE TABLE \`orgs\` (
        \`instance_id\` VARCHAR(32) NOT NULL,
        \`id\` VARCHAR(32) NOT NULL,
        \`name\` VARCHAR(200) NOT NULL,
        \`state\` VARCHAR(16) NOT NULL,
        \`sequence\` BIGINT UNSIGNED NOT NULL,
        \`creation_date\` DATETIME(3) NOT NULL,
        \`change_date\` DATETIME(3) NOT NULL,
        PRIMARY KEY (\`instance_id\`, \`id\`)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
      return;
    }
    await runner.query(`CREATE TABLE "orgs" (
      "instance_id" varchar(32) NOT NULL,
      "id" varchar(32) NOT NULL,
      "name" varchar(200) NOT NULL,
      "state" varchar(16) NOT NULL,
      "sequence" bigint NOT NULL,
      "creation_date" datetime(3) NOT NULL,
      "change_date" datetime(3) NOT NULL,
      PRIMARY KEY ("instance_id", "id")
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE orgs');
  }
}
