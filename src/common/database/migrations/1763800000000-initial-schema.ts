import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store, the login-policy projections and the instance identity. Written per engine
 * so that both get exactly the types we mean (ms timestamps, 64-bit sequences, binary ids).
 * The entities declare the same keys, so `migration:generate` against MySQL finds no difference.
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    const statements = runner.connection.options.type === 'mysql' ? MYSQL : SQLITE;
    for (const statement of statements) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['login_policy_factors', 'login_policies', 'instance_identity', 'events']) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}

const MYSQL_TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

const MYSQL = [
  `CREATE TABLE \`events\` (
    \`position\` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    \`instance_id\` VARCHAR(32) NOT NULL,
    \`aggregate_type\` VARCHAR(32) NOT NULL,
    \`aggregate_id\` VARCHAR(32) NOT NULL,
    \`sequence\` BIGINT UNSIGNED NOT NULL,
    \`event_type\` VARCHAR(128) NOT NULL,
    \`payload\` TEXT NOT NULL,
    \`creator\` VARCHAR(255) NOT NULL,
    \`resource_owner\` VARCHAR(32) NOT NULL,
    \`created_at\` DATETIME(3) NOT NULL,
    PRIMARY KEY (\`position\`),
    UNIQUE KEY \`uq_events_aggregate_sequence\` (\`instance_id\`, \`aggregate_type\`, \`aggregate_id\`, \`sequence\`),
    KEY \`ix_events_event_type\` (\`instance_id\`, \`event_type\`, \`position\`)
  ) ${MYSQL_TABLE}`,
  `CREATE TABLE \`instance_identity\` (
    \`slot\` INT NOT NULL,
    \`instance_id\` VARCHAR(32) NOT NULL,
    \`created_at\` DATETIME(3) NOT NULL,
    PRIMARY KEY (\`slot\`)
  ) ${MYSQL_TABLE}`,
  `CREATE TABLE \`login_policies\` (
    \`instance_id\` VARCHAR(32) NOT NULL,
    \`owner_id\` VARCHAR(32) NOT NULL,
    \`owner_type\` VARCHAR(16) NOT NULL,
    \`allow_username_password\` BOOLEAN NOT NULL,
    \`allow_register\` BOOLEAN NOT NULL,
    \`allow_external_idp\` BOOLEAN NOT NULL,
    \`force_mfa\` BOOLEAN NOT NULL,
    \`passwordless_type\` INT NOT NULL,
    \`hide_password_reset\` BOOLEAN NOT NULL,
    \`ignore_unknown_usernames\` BOOLEAN NOT NULL,
    \`default_redirect_uri\` VARCHAR(2048) NOT NULL,
    \`password_check_lifetime\` BIGINT NOT NULL,
    \`external_login_check_lifetime\` BIGINT NOT NULL,
    \`mfa_init_skip_lifetime\` BIGINT NOT NULL,
    \`second_factor_check_lifetime\` BIGINT NOT NULL,
    \`multi_factor_check_lifetime\` BIGINT NOT NULL,
    \`allow_domain_discovery\` BOOLEAN NOT NULL,
    \`disable_login_with_email\` BOOLEAN NOT NULL,
    \`disable_login_with_phone\` BOOLEAN NOT NULL,
    \`force_mfa_local_only\` BOOLEAN NOT NULL,
    \`use_default_uri_for_notification_links\` BOOLEAN NOT NULL,
    \`sequence\` BIGINT UNSIGNED NOT NULL,
    \`creation_date\` DATETIME(3) NOT NULL,
    \`change_date\` DATETIME(3) NOT NULL,
    PRIMARY KEY (\`instance_id\`, \`owner_id\`)
  ) ${MYSQL_TABLE}`,
  `CREATE TABLE \`login_policy_factors\` (
    \`instance_id\` VARCHAR(32) NOT NULL,
    \`owner_id\` VARCHAR(32) NOT NULL,
    \`kind\` VARCHAR(8) NOT NULL,
    \`factor_type\` INT NOT NULL,
    \`sequence\` BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (\`instance_id\`, \`owner_id\`, \`kind\`, \`factor_type\`)
  ) ${MYSQL_TABLE}`,
];

const SQLITE = [
  `CREATE TABLE "events" (
    "position" INTEGER PRIMARY KEY AUTOINCREMENT,
    "instance_id" varchar(32) NOT NULL,
    "aggregate_type" varchar(32) NOT NULL,
    "aggregate_id" varchar(32) NOT NULL,
    "sequence" bigint NOT NULL,
    "event_type" varchar(128) NOT NULL,
    "payload" text NOT NULL,
    "creator" varchar(255) NOT NULL,
    "resource_owner" varchar(32) NOT NULL,
    "created_at" datetime(3) NOT NULL,
    CONSTRAINT "uq_events_aggregate_sequence" UNIQUE ("instance_id", "aggregate_type", "aggregate_id", "sequence")
  )`,
  `CREATE INDEX "ix_events_event_type" ON "events" ("instance_id", "event_type", "position")`,
  `CREATE TABLE "instance_identity" (
    "slot" integer PRIMARY KEY NOT NULL,
    "instance_id" varchar(32) NOT NULL,
    "created_at" datetime(3) NOT NULL
  )`,
  `CREATE TABLE "login_policies" (
    "instance_id" varchar(32) NOT NULL,
    "owner_id" varchar(32) NOT NULL,
    "owner_type" varchar(16) NOT NULL,
    "allow_username_password" boolean NOT NULL,
    "allow_register" boolean NOT NULL,
    "allow_external_idp" boolean NOT NULL,
    "force_mfa" boolean NOT NULL,
    "passwordless_type" integer NOT NULL,
    "hide_password_reset" boolean NOT NULL,
    "ignore_unknown_usernames" boolean NOT NULL,
    "default_redirect_uri" varchar(2048) NOT NULL,
    "password_check_lifetime" bigint NOT NULL,
    "external_login_check_lifetime" bigint NOT NULL,
    "mfa_init_skip_lifetime" bigint NOT NULL,
    "second_factor_check_lifetime" bigint NOT NULL,
    "multi_factor_check_lifetime" bigint NOT NULL,
    "allow_domain_discovery" boolean NOT NULL,
    "disable_login_with_email" boolean NOT NULL,
    "disable_login_with_phone" boolean NOT NULL,
    "force_mfa_local_only" boolean NOT NULL,
    "use_default_uri_for_notification_links" boolean NOT NULL,
    "sequence" bigint NOT NULL,
    "creation_date" datetime(3) NOT NULL,
    "change_date" datetime(3) NOT NULL,
    PRIMARY KEY ("instance_id", "owner_id")
  )`,
  `CREATE TABLE "login_policy_factors" (
    "instance_id" varchar(32) NOT NULL,
    "owner_id" varchar(32) NOT NULL,
    "kind" varchar(8) NOT NULL,
    "factor_type" integer NOT NULL,
    "sequence" bigint NOT NULL,
    PRIMARY KEY ("instance_id", "owner_id", "kind", "factor_type")
  )`,
];
