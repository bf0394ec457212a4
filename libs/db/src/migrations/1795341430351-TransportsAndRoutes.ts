import { MigrationInterface, QueryRunner } from 'typeorm';

export class TransportsAndRoutes1795341430351 implements MigrationInterface {
  name = 'TransportsAndRoutes1795341430351';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "transports" ("id" uuid NOT NULL, "name" text NOT NULL, "kind" text NOT NULL, "host" text, "port" integer, "tls" text, "verify_tls" boolean NOT NULL DEFAULT true, "username" text, "password" text, "fail_code" integer, "fail_text" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_4ef260e8753d816e62bc4ca6616" UNIQUE ("name"), CONSTRAINT "PK_f1c7f51afd891fa301da438910e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "routes" ("id" uuid NOT NULL, "account_id" uuid, "from_domain" text, "to_domain" text, "min_attempt" integer NOT NULL DEFAULT '1', "position" integer NOT NULL DEFAULT '0', "transport_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_76100511cdfa1d013c859f01d8b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`ALTER TABLE "queued_recipients" ADD "transport_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "routes" ADD CONSTRAINT "FK_354456594c02165e2d65195073c" FOREIGN KEY ("transport_id") REFERENCES "transports"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "routes" DROP CONSTRAINT "FK_354456594c02165e2d65195073c"`);
    await queryRunner.query(`ALTER TABLE "queued_recipients" DROP COLUMN "transport_id"`);
    await queryRunner.query(`DROP TABLE "routes"`);
    await queryRunner.query(`DROP TABLE "transports"`);
  }
}
