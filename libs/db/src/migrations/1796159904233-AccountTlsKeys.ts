import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountTlsKeys1796159904233 implements MigrationInterface {
  name = 'AccountTlsKeys1796159904233';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "account_tls_keys" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "spki_sha256" text NOT NULL, "name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_bb71ff59d8bd074056feb678b7a" UNIQUE ("spki_sha256"), CONSTRAINT "PK_7938a36cdc6f1dd3aace3dd3447" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "account_tls_keys_account" ON "account_tls_keys"  ("account_id") `);
    await queryRunner.query(
      `ALTER TABLE "account_tls_keys" ADD CONSTRAINT "FK_4a000c14346d85c2d9bb75f42c7" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account_tls_keys" DROP CONSTRAINT "FK_4a000c14346d85c2d9bb75f42c7"`);
    await queryRunner.query(`DROP INDEX "public"."account_tls_keys_account"`);
    await queryRunner.query(`DROP TABLE "account_tls_keys"`);
  }
}
