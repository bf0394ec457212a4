import { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1795343304254 implements MigrationInterface {
  name = 'Webhooks1795343304254';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_endpoints" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "url" text NOT NULL, "events" text array, "description" text, "enabled" boolean NOT NULL DEFAULT true, "disabled_reason" text, "secrets" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "webhook_endpoints_account" ON "webhook_endpoints"  ("account_id", "id") `);
    await queryRunner.query(
      `CREATE TABLE "webhook_deliveries" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "endpoint_id" uuid NOT NULL, "event_id" uuid NOT NULL, "event_type" text NOT NULL, "recipient_id" uuid, "status" text NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_status" integer, "completed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "webhook_deliveries_due" ON "webhook_deliveries"  ("next_attempt_at") WHERE status = 'pending'`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "webhook_deliveries_event_endpoint" ON "webhook_deliveries"  ("event_id", "endpoint_id") `,
    );
    await queryRunner.query(`CREATE INDEX "webhook_deliveries_account" ON "webhook_deliveries"  ("account_id", "id") `);
    await queryRunner.query(`CREATE INDEX "webhook_deliveries_endpoint" ON "webhook_deliveries"  ("endpoint_id", "id") `);
    await queryRunner.query(
      `CREATE TABLE "webhook_attempts" ("id" uuid NOT NULL, "delivery_id" uuid NOT NULL, "number" integer NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "duration_ms" integer NOT NULL, "status" integer, "error" text, "response" text, CONSTRAINT "PK_2de7e7887ad97de459adab62638" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "webhook_attempts_delivery" ON "webhook_attempts"  ("delivery_id", "number") `);
    await queryRunner.query(`ALTER TABLE "events" ADD "fanned_out" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`CREATE INDEX "events_pending_fanout" ON "events"  ("id") WHERE fanned_out = false`);
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_attempts" ADD CONSTRAINT "FK_0d56d91d61b827bb2079c256538" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_attempts" DROP CONSTRAINT "FK_0d56d91d61b827bb2079c256538"`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c"`);
    await queryRunner.query(`DROP INDEX "public"."events_pending_fanout"`);
    await queryRunner.query(`ALTER TABLE "events" DROP COLUMN "fanned_out"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_attempts_delivery"`);
    await queryRunner.query(`DROP TABLE "webhook_attempts"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_endpoint"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_account"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_event_endpoint"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_due"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_endpoints_account"`);
    await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
  }
}
