import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { INestApplicationContext } from '@nestjs/common';
import { AccountsService, ApiKeysService } from '@postern/accounts';
import { AddressesService, DomainsService, parseAddress } from '@postern/domains';
import { parseBounce } from '@postern/mime';

export type Out = (line: string) => void;

export const USAGE = `usage: npm run cli -- <command>

  quickstart <email>                     domain + account + address + keys, prints DNS records
  account add <name> [--password P]      create an account (password generated when absent)
  account list                           list accounts
  account password <name> [--password P] set a password (generated when absent)
  account tls-key <name> <cert.pem> [--name N]  register a client certificate's key (SMTP AUTH EXTERNAL)
  apikey create <name> --admin | --account <account>
  apikey revoke <id>
  domain add <name>
  domain list
  domain dns-records <name>
  bounce parse <file>                    what the bounce parser makes of a message (JSON)`;

export class UsageError extends Error {}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

function bool(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}

function positional(args: string[], what: string): string {
  const value = args.shift();
  if (value === undefined) throw new UsageError(`missing ${what}`);
  return value;
}

/** Commands that need no database; returns false when `argv` is not one of them. */
export async function runOfflineCommand(argv: string[], out: Out): Promise<boolean> {
  if (argv[0] !== 'bounce') return false;
  const args = argv.slice(1);
  if (args.shift() !== 'parse') throw new UsageError('usage: bounce parse <file>');
  const file = positional(args, '<file>');
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = await parseBounce(raw);
  out(JSON.stringify({ kind: parsed.kind, recipients: parsed.recipients }, null, 2));
  return true;
}

const newPassword = () => randomBytes(12).toString('base64url');

/** Runs one CLI command against the services; returns the exit code. */
export async function runCommand(app: INestApplicationContext, argv: string[], out: Out): Promise<void> {
  const args = [...argv];
  const accounts = app.get(AccountsService);
  const apiKeys = app.get(ApiKeysService);
  const domains = app.get(DomainsService);
  const addresses = app.get(AddressesService);
  const command = `${args.shift() ?? ''} ${args[0] ?? ''}`.trim();
  const group = command.split(' ')[0];
  if (group !== 'quickstart') args.shift();

  switch (group === 'quickstart' ? 'quickstart' : command) {
    case 'quickstart': {
      const email = positional(args, '<email>');
      const parsed = parseAddress(email);
      const domain = (await domains.find(parsed.domain.ascii)) ?? (await domains.create({ name: parsed.domain.ascii }));
      const name = parsed.localpartKey.replace(/[^a-z0-9._-]/g, '-');
      const account = await accounts.create({ name });
      const password = newPassword();
      await accounts.setPassword(account.id, password);
      await addresses.create({ address: email, accountId: account.id });
      const admin = await apiKeys.create({ name: 'quickstart admin', scope: 'admin' });
      const key = await apiKeys.create({ name: 'quickstart', scope: 'account', accountId: account.id });
      const records = await domains.dnsRecords(domain.name);
      out(`Account ${account.name} with address ${email}`);
      out(`  password       ${password}`);
      out(`  API key        ${key.key}`);
      out(`  admin API key  ${admin.key}`);
      out('These are shown once. Publish these DNS records:');
      out('');
      out(records.zone.trimEnd());
      return;
    }
    case 'account add': {
      const password = flag(args, '--password') ?? newPassword();
      const account = await accounts.create({ name: positional(args, '<name>'), password });
      out(`created account ${account.name} (${account.id}); password: ${password}`);
      return;
    }
    case 'account list': {
      let after: string | undefined;
      do {
        const page = await accounts.list({ limit: 200, after });
        for (const a of page.items) out(`${a.id}  ${a.name}${a.disabled ? '  (disabled)' : ''}`);
        after = page.next ?? undefined;
      } while (after);
      return;
    }
    case 'account password': {
      const password = flag(args, '--password') ?? newPassword();
      const name = positional(args, '<name>');
      await accounts.setPassword(name, password);
      out(`password of ${name} set: ${password}`);
      return;
    }
    case 'account tls-key': {
      const label = flag(args, '--name');
      const name = positional(args, '<name>');
      const key = await accounts.addTlsKey(name, readFileSync(positional(args, '<cert.pem>')), label);
      out(`registered TLS key ${key.spkiSha256} for ${name}: SMTP AUTH EXTERNAL with this certificate logs in as ${name}`);
      return;
    }
    case 'apikey create': {
      const account = flag(args, '--account');
      const admin = bool(args, '--admin');
      if (admin === (account !== undefined)) throw new UsageError('give exactly one of --admin or --account <account>');
      const created = await apiKeys.create({ name: positional(args, '<name>'), scope: admin ? 'admin' : 'account', accountId: account });
      out(`created ${created.apiKey.scope} key ${created.apiKey.id}: ${created.key}`);
      out('The key is shown once.');
      return;
    }
    case 'apikey revoke': {
      const key = await apiKeys.revoke(positional(args, '<id>'));
      out(`revoked key ${key.id} (${key.prefix})`);
      return;
    }
    case 'domain add': {
      const domain = await domains.create({ name: positional(args, '<name>') });
      out(`created domain ${domain.name} with DKIM selectors ${(domain.dkimKeys ?? []).map((k) => k.selector).join(', ')}`);
      out(`DNS records: npm run cli -- domain dns-records ${domain.name}`);
      return;
    }
    case 'domain list': {
      let after: string | undefined;
      do {
        const page = await domains.list({ limit: 200, after });
        for (const d of page.items) out(`${d.name}${d.disabled ? '  (disabled)' : ''}`);
        after = page.next ?? undefined;
      } while (after);
      return;
    }
    case 'domain dns-records': {
      out((await domains.dnsRecords(positional(args, '<name>'))).zone.trimEnd());
      return;
    }
    default:
      throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
  }
}
