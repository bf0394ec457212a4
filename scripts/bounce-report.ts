/**
 * `npm run build && node dist/scripts/bounce-report.js > docs/bounces.md`: what the bounce
 * parser gets out of the fixture collection, by producing system.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseBounce } from '@postern/mime';

async function main(): Promise<void> {
  const dir = join(__dirname, '../../test/fixtures/bounces');
  const rows = new Map<string, { total: number; right: number }>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()) {
    const system = file.replace(/-\d+\.eml$/, '');
    const parsed = await parseBounce(readFileSync(join(dir, file)));
    const right =
      system === 'arf'
        ? parsed.kind === 'complaint'
        : system === 'rfc3834' || system === 'is-not-bounce'
          ? parsed.kind === 'autoreply' || parsed.kind === 'other'
          : parsed.kind === 'dsn' &&
            parsed.recipients.length > 0 &&
            parsed.recipients.every((r) => r.status !== null || r.smtpCode !== null);
    const row = rows.get(system) ?? { total: 0, right: 0 };
    row.total++;
    if (right) row.right++;
    rows.set(system, row);
  }
  const all = [...rows.values()].reduce((a, r) => ({ total: a.total + r.total, right: a.right + r.right }), { total: 0, right: 0 });
  const out = [
    '# Bounce parsing',
    '',
    'What `parseBounce` (libs/mime) gets out of the fixture collection in `test/fixtures/bounces` (sisimai set-of-emails, BSD-2).',
    'Right means: for a bounce, kind `dsn` with every recipient found and a status or SMTP code for each; for `arf`, kind',
    '`complaint`; for `rfc3834` (auto-replies) and `is-not-bounce`, not taken for a bounce. Regenerate with',
    '`npm run build && node dist/scripts/bounce-report.js > docs/bounces.md`; `test/bounce-parse.spec.ts` holds the floor.',
    '',
    `Overall: ${all.right} of ${all.total} (${Math.round((all.right / all.total) * 100)} %).`,
    '',
    '| producing system | messages | right | share |',
    '| --- | --- | --- | --- |',
    ...[...rows.entries()].map(([s, r]) => `| ${s} | ${r.total} | ${r.right} | ${Math.round((r.right / r.total) * 100)} % |`),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

void main();
