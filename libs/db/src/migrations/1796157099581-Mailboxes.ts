import { MigrationInterface, QueryRunner } from 'typeorm';

export class Mailboxes1796157099581 implements MigrationInterface {
  name = 'Mailboxes1796157099581';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // UIDVALIDITY values never repeat (RFC 9051 2.3.1.1), even for a mailbox deleted and created again.
    await queryRunner.query(`CREATE SEQUENCE "mailbox_uid_validity" START 1`);
    await queryRunner.query(
      `CREATE TABLE "mailboxes" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "name" text NOT NULL, "special_use" text, "subscribed" boolean NOT NULL DEFAULT true, "uid_validity" integer NOT NULL, "uid_next" integer NOT NULL DEFAULT '1', "highest_modseq" bigint NOT NULL DEFAULT '1', "total" integer NOT NULL DEFAULT '0', "unseen" integer NOT NULL DEFAULT '0', "size" bigint NOT NULL DEFAULT '0', "keywords" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1471bf7ef6d7f1279fbbdf89a1d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "mailboxes_account_name" ON "mailboxes"  ("account_id", "name") `);
    await queryRunner.query(
      `CREATE TABLE "mailbox_messages" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "mailbox_id" uuid NOT NULL, "uid" integer NOT NULL, "modseq" bigint NOT NULL, "flags" text array NOT NULL DEFAULT '{}', "internal_date" TIMESTAMP WITH TIME ZONE NOT NULL, "size" integer NOT NULL, "subject" text, "from_address" text, "message_id_header" text, "blob_id" uuid NOT NULL, "search_headers" text NOT NULL DEFAULT '', "search_body" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_865e565d761179ce3e394b8b619" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "mailbox_messages_blob" ON "mailbox_messages"  ("blob_id") `);
    await queryRunner.query(`CREATE INDEX "mailbox_messages_account" ON "mailbox_messages"  ("account_id", "id") `);
    await queryRunner.query(`CREATE INDEX "mailbox_messages_modseq" ON "mailbox_messages"  ("mailbox_id", "modseq") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "mailbox_messages_uid" ON "mailbox_messages"  ("mailbox_id", "uid") `);
    await queryRunner.query(
      `CREATE TABLE "mailbox_tombstones" ("mailbox_id" uuid NOT NULL, "uid" integer NOT NULL, "modseq" bigint NOT NULL, CONSTRAINT "PK_5c0bf904284e09bd5a39bc320bb" PRIMARY KEY ("mailbox_id", "uid"))`,
    );
    await queryRunner.query(`CREATE INDEX "mailbox_tombstones_modseq" ON "mailbox_tombstones"  ("mailbox_id", "modseq") `);
    await queryRunner.query(
      `ALTER TABLE "mailboxes" ADD CONSTRAINT "FK_e8973f0024caf1f7e21ca1c0eaa" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "mailbox_messages" ADD CONSTRAINT "FK_9d616523f52f2ba77eeda83957d" FOREIGN KEY ("mailbox_id") REFERENCES "mailboxes"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "mailbox_messages" ADD CONSTRAINT "FK_2ded5cbe2b268b51ec34da4053a" FOREIGN KEY ("blob_id") REFERENCES "message_blobs"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "mailbox_tombstones" ADD CONSTRAINT "FK_f6ac8db949b1c74848ba5d4e450" FOREIGN KEY ("mailbox_id") REFERENCES "mailboxes"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "mailbox_tombstones" DROP CONSTRAINT "FK_f6ac8db949b1c74848ba5d4e450"`);
    await queryRunner.query(`ALTER TABLE "mailbox_messages" DROP CONSTRAINT "FK_2ded5cbe2b268b51ec34da4053a"`);
    await queryRunner.query(`ALTER TABLE "mailbox_messages" DROP CONSTRAINT "FK_9d616523f52f2ba77eeda83957d"`);
    await queryRunner.query(`ALTER TABLE "mailboxes" DROP CONSTRAINT "FK_e8973f0024caf1f7e21ca1c0eaa"`);
    await queryRunner.query(`DROP INDEX "public"."mailbox_tombstones_modseq"`);
    await queryRunner.query(`DROP TABLE "mailbox_tombstones"`);
    await queryRunner.query(`DROP INDEX "public"."mailbox_messages_uid"`);
    await queryRunner.query(`DROP INDEX "public"."mailbox_messages_modseq"`);
    await queryRunner.query(`DROP INDEX "public"."mailbox_messages_account"`);
    await queryRunner.query(`DROP INDEX "public"."mailbox_messages_blob"`);
    await queryRunner.query(`DROP TABLE "mailbox_messages"`);
    await queryRunner.query(`DROP INDEX "public"."mailboxes_account_name"`);
    await queryRunner.query(`DROP TABLE "mailboxes"`);
    await queryRunner.query(`DROP SEQUENCE "mailbox_uid_validity"`);
  }
}
