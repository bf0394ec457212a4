import { MigrationInterface, QueryRunner } from 'typeorm';

export class InboundRulesAndReputation1796157136681 implements MigrationInterface {
  name = 'InboundRulesAndReputation1796157136681';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "mailbox_rules" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "field" text NOT NULL, "header" text, "contains" text NOT NULL, "mailbox_name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9dd0a77f3db46b7cc261e9295f6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "mailbox_rules_account" ON "mailbox_rules"  ("account_id", "id") `);
    await queryRunner.query(
      `CREATE TABLE "sender_reputation" ("domain" text NOT NULL, "messages" integer NOT NULL DEFAULT '0', "authenticated" integer NOT NULL DEFAULT '0', "failed" integer NOT NULL DEFAULT '0', "rejected" integer NOT NULL DEFAULT '0', "junk" integer NOT NULL DEFAULT '0', "last_result" text, "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e0d27a4cf372b1622aa013c80d3" PRIMARY KEY ("domain"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "mailbox_rules" ADD CONSTRAINT "FK_1e1a610f6fd5bd85e6b9eb448a6" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "mailbox_rules" DROP CONSTRAINT "FK_1e1a610f6fd5bd85e6b9eb448a6"`);
    await queryRunner.query(`DROP TABLE "sender_reputation"`);
    await queryRunner.query(`DROP INDEX "public"."mailbox_rules_account"`);
    await queryRunner.query(`DROP TABLE "mailbox_rules"`);
  }
}
