import { MigrationInterface, QueryRunner } from 'typeorm';

export class OutboundQueue1795338424865 implements MigrationInterface {
  name = 'OutboundQueue1795338424865';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "message_blobs" ("id" uuid NOT NULL, "data" bytea NOT NULL, "size" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7c0d262434065cd60377e311245" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "outbound_messages" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "source" text NOT NULL, "from_address" text NOT NULL, "mail_from" text NOT NULL, "message_id_header" text NOT NULL, "subject" text, "size" integer NOT NULL, "blob_id" uuid NOT NULL, "extra" jsonb NOT NULL DEFAULT '{}', "tags" text array NOT NULL DEFAULT '{}', "require_tls" boolean, "send_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0a03db3e2f04f9f33e6daa597ff" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "outbound_messages_account" ON "outbound_messages"  ("account_id", "id") `);
    await queryRunner.query(
      `CREATE TABLE "queued_recipients" ("id" uuid NOT NULL, "message_id" uuid NOT NULL, "account_id" uuid NOT NULL, "address" text NOT NULL, "domain" text NOT NULL, "status" text NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_attempt_at" TIMESTAMP WITH TIME ZONE, "locked_until" TIMESTAMP WITH TIME ZONE, "lock_token" uuid, "last_error" text, "retired_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9948fcb22517d8e09ffc7e0c8ac" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "queued_recipients_due" ON "queued_recipients"  ("next_attempt_at") WHERE status = 'queued'`);
    await queryRunner.query(`CREATE INDEX "queued_recipients_account" ON "queued_recipients"  ("account_id", "id") `);
    await queryRunner.query(`CREATE INDEX "queued_recipients_message" ON "queued_recipients"  ("message_id") `);
    await queryRunner.query(
      `CREATE TABLE "delivery_attempts" ("id" uuid NOT NULL, "recipient_id" uuid NOT NULL, "number" integer NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "duration_ms" integer NOT NULL, "outcome" text NOT NULL, "remote_host" text, "remote_ip" text, "smtp_code" integer, "enhanced_code" text, "text" text NOT NULL, "tls_version" text, CONSTRAINT "PK_41eba4eb5401d72860f7cd9a7ac" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "delivery_attempts_recipient" ON "delivery_attempts"  ("recipient_id", "number") `);
    await queryRunner.query(
      `CREATE TABLE "hold_rules" ("id" uuid NOT NULL, "account_id" uuid, "sender_domain" text, "recipient_domain" text, "comment" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_dd9575cee8a97fd312a6fe08695" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "events" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "type" text NOT NULL, "message_id" uuid, "recipient_id" uuid, "data" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "events_message" ON "events"  ("message_id") `);
    await queryRunner.query(`CREATE INDEX "events_account" ON "events"  ("account_id", "id") `);
    await queryRunner.query(
      `CREATE TABLE "send_counters" ("account_id" uuid NOT NULL, "day" date NOT NULL, "messages" integer NOT NULL DEFAULT '0', "first_time_recipients" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_d6d62f3ee4a5ea88f4187fbc9c2" PRIMARY KEY ("account_id", "day"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "account_recipients" ("account_id" uuid NOT NULL, "address_key" text NOT NULL, "first_sent_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "consecutive_failures" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_318656931b2a921f8e74c0aed5e" PRIMARY KEY ("account_id", "address_key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "idempotency_keys" ("account_id" uuid NOT NULL, "key" text NOT NULL, "request_hash" text NOT NULL, "response" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_797bef48c094807d04973d995e9" PRIMARY KEY ("account_id", "key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "suppressions" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "address_key" text NOT NULL, "address" text NOT NULL, "reason" text NOT NULL, "smtp_reply" text, "expires_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_77bb19dbc77a4ce0ca8cb743f3b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "suppressions_account_key" ON "suppressions"  ("account_id", "address_key") `);
    await queryRunner.query(`ALTER TABLE "accounts" ADD "retry_schedule" integer array`);
    await queryRunner.query(`ALTER TABLE "accounts" ADD "dsn_for_api_sends" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(
      `ALTER TABLE "outbound_messages" ADD CONSTRAINT "FK_540d6a0440bfc223a0526b35986" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "outbound_messages" ADD CONSTRAINT "FK_89364b448b53a668e2a5d6f086d" FOREIGN KEY ("blob_id") REFERENCES "message_blobs"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "queued_recipients" ADD CONSTRAINT "FK_50b5066fdf29cf2ae9048be9909" FOREIGN KEY ("message_id") REFERENCES "outbound_messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "delivery_attempts" ADD CONSTRAINT "FK_851d2b366257b4770d222280403" FOREIGN KEY ("recipient_id") REFERENCES "queued_recipients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "delivery_attempts" DROP CONSTRAINT "FK_851d2b366257b4770d222280403"`);
    await queryRunner.query(`ALTER TABLE "queued_recipients" DROP CONSTRAINT "FK_50b5066fdf29cf2ae9048be9909"`);
    await queryRunner.query(`ALTER TABLE "outbound_messages" DROP CONSTRAINT "FK_89364b448b53a668e2a5d6f086d"`);
    await queryRunner.query(`ALTER TABLE "outbound_messages" DROP CONSTRAINT "FK_540d6a0440bfc223a0526b35986"`);
    await queryRunner.query(`ALTER TABLE "accounts" DROP COLUMN "dsn_for_api_sends"`);
    await queryRunner.query(`ALTER TABLE "accounts" DROP COLUMN "retry_schedule"`);
    await queryRunner.query(`DROP INDEX "public"."suppressions_account_key"`);
    await queryRunner.query(`DROP TABLE "suppressions"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
    await queryRunner.query(`DROP TABLE "account_recipients"`);
    await queryRunner.query(`DROP TABLE "send_counters"`);
    await queryRunner.query(`DROP INDEX "public"."events_account"`);
    await queryRunner.query(`DROP INDEX "public"."events_message"`);
    await queryRunner.query(`DROP TABLE "events"`);
    await queryRunner.query(`DROP TABLE "hold_rules"`);
    await queryRunner.query(`DROP INDEX "public"."delivery_attempts_recipient"`);
    await queryRunner.query(`DROP TABLE "delivery_attempts"`);
    await queryRunner.query(`DROP INDEX "public"."queued_recipients_message"`);
    await queryRunner.query(`DROP INDEX "public"."queued_recipients_account"`);
    await queryRunner.query(`DROP INDEX "public"."queued_recipients_due"`);
    await queryRunner.query(`DROP TABLE "queued_recipients"`);
    await queryRunner.query(`DROP INDEX "public"."outbound_messages_account"`);
    await queryRunner.query(`DROP TABLE "outbound_messages"`);
    await queryRunner.query(`DROP TABLE "message_blobs"`);
  }
}
