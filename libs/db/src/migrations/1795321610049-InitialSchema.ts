import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795321610049 implements MigrationInterface {
  name = 'InitialSchema1795321610049';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "accounts" ("id" uuid NOT NULL, "name" text NOT NULL, "quota_bytes" bigint NOT NULL DEFAULT '0', "messages_per_day" integer NOT NULL DEFAULT '1000', "first_time_recipients_per_day" integer NOT NULL DEFAULT '200', "event_retention_days" integer NOT NULL DEFAULT '30', "history_retention_days" integer NOT NULL DEFAULT '30', "disabled" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_2db43cdbf7bb862e577b5f540c8" UNIQUE ("name"), CONSTRAINT "PK_5a7a02c20412299d198e097a8fe" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "account_credentials" ("account_id" uuid NOT NULL, "password_hash" text NOT NULL, "scram_sha1" jsonb NOT NULL, "scram_sha256" jsonb NOT NULL, "cram_md5" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f2c918e5d08ea59cf4ad48a8f0c" PRIMARY KEY ("account_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "dkim_keys" ("id" uuid NOT NULL, "domain_id" uuid NOT NULL, "selector" text NOT NULL, "algorithm" text NOT NULL, "private_key" text NOT NULL, "public_key" text NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0afa3f58102952d90c014876d23" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "dkim_keys_domain_selector" ON "dkim_keys"  ("domain_id", "selector") `);
    await queryRunner.query(
      `CREATE TABLE "domains" ("id" uuid NOT NULL, "name" text NOT NULL, "unicode_name" text NOT NULL, "catchall_separator" character varying(8) DEFAULT '+', "disabled" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_f36af68a2defaa8ae5fdd9b5640" UNIQUE ("name"), CONSTRAINT "PK_05a6b087662191c2ea7f7ddfc4d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "addresses" ("id" uuid NOT NULL, "domain_id" uuid NOT NULL, "account_id" uuid NOT NULL, "localpart" text NOT NULL, "localpart_key" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_745d8f43d3af10ab8247465e450" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "addresses_account" ON "addresses"  ("account_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "addresses_domain_localpart" ON "addresses"  ("domain_id", "localpart_key") `);
    await queryRunner.query(
      `CREATE TABLE "alias_members" ("id" uuid NOT NULL, "alias_id" uuid NOT NULL, "address_id" uuid NOT NULL, CONSTRAINT "PK_4180f5a0b460d9e29f16372af91" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "alias_members_address" ON "alias_members"  ("address_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "alias_members_alias_address" ON "alias_members"  ("alias_id", "address_id") `);
    await queryRunner.query(
      `CREATE TABLE "aliases" ("id" uuid NOT NULL, "domain_id" uuid NOT NULL, "localpart" text NOT NULL, "localpart_key" text NOT NULL, "post_public" boolean NOT NULL DEFAULT false, "members_visible" boolean NOT NULL DEFAULT false, "allow_as_from" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_491dee804efb858cdf15a44371d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "aliases_domain_localpart" ON "aliases"  ("domain_id", "localpart_key") `);
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL, "name" text NOT NULL, "prefix" text NOT NULL, "secret_hash" text NOT NULL, "scope" text NOT NULL, "account_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_6f6105c8efe05b310d046cbdb3d" UNIQUE ("prefix"), CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "api_keys_account" ON "api_keys"  ("account_id") `);
    await queryRunner.query(
      `ALTER TABLE "account_credentials" ADD CONSTRAINT "FK_f2c918e5d08ea59cf4ad48a8f0c" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "dkim_keys" ADD CONSTRAINT "FK_c57432d9f130bcc63e8cef1c0ed" FOREIGN KEY ("domain_id") REFERENCES "domains"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "addresses" ADD CONSTRAINT "FK_f3393e86b14b9f8f26b147a9224" FOREIGN KEY ("domain_id") REFERENCES "domains"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "addresses" ADD CONSTRAINT "FK_eda05655c3b56381c97d2d0ca42" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "alias_members" ADD CONSTRAINT "FK_a5cfb1c152cfe6b6a3d482e22ad" FOREIGN KEY ("alias_id") REFERENCES "aliases"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "alias_members" ADD CONSTRAINT "FK_b552d08f3fa186aaa2ca0a4424e" FOREIGN KEY ("address_id") REFERENCES "addresses"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "aliases" ADD CONSTRAINT "FK_805f1b7372b560f56ea2f5e1c23" FOREIGN KEY ("domain_id") REFERENCES "domains"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "FK_decaf331589778e33441b2a8d9e" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "FK_decaf331589778e33441b2a8d9e"`);
    await queryRunner.query(`ALTER TABLE "aliases" DROP CONSTRAINT "FK_805f1b7372b560f56ea2f5e1c23"`);
    await queryRunner.query(`ALTER TABLE "alias_members" DROP CONSTRAINT "FK_b552d08f3fa186aaa2ca0a4424e"`);
    await queryRunner.query(`ALTER TABLE "alias_members" DROP CONSTRAINT "FK_a5cfb1c152cfe6b6a3d482e22ad"`);
    await queryRunner.query(`ALTER TABLE "addresses" DROP CONSTRAINT "FK_eda05655c3b56381c97d2d0ca42"`);
    await queryRunner.query(`ALTER TABLE "addresses" DROP CONSTRAINT "FK_f3393e86b14b9f8f26b147a9224"`);
    await queryRunner.query(`ALTER TABLE "dkim_keys" DROP CONSTRAINT "FK_c57432d9f130bcc63e8cef1c0ed"`);
    await queryRunner.query(`ALTER TABLE "account_credentials" DROP CONSTRAINT "FK_f2c918e5d08ea59cf4ad48a8f0c"`);
    await queryRunner.query(`DROP INDEX "public"."api_keys_account"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(`DROP INDEX "public"."aliases_domain_localpart"`);
    await queryRunner.query(`DROP TABLE "aliases"`);
    await queryRunner.query(`DROP INDEX "public"."alias_members_alias_address"`);
    await queryRunner.query(`DROP INDEX "public"."alias_members_address"`);
    await queryRunner.query(`DROP TABLE "alias_members"`);
    await queryRunner.query(`DROP INDEX "public"."addresses_domain_localpart"`);
    await queryRunner.query(`DROP INDEX "public"."addresses_account"`);
    await queryRunner.query(`DROP TABLE "addresses"`);
    await queryRunner.query(`DROP TABLE "domains"`);
    await queryRunner.query(`DROP INDEX "public"."dkim_keys_domain_selector"`);
    await queryRunner.query(`DROP TABLE "dkim_keys"`);
    await queryRunner.query(`DROP TABLE "account_credentials"`);
    await queryRunner.query(`DROP TABLE "accounts"`);
  }
}
