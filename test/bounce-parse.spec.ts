import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ParsedBounce, parseBounce } from '@postern/mime';

// Tests run from dist/test; the fixtures stay in the source tree (sisimai's set-of-emails, BSD-2, see its LICENSE).
const DIR = join(__dirname, '../../test/fixtures/bounces');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.eml'))
  .sort();
const systemOf = (file: string) => file.replace(/-\d+\.eml$/, '');

async function parse(file: string): Promise<ParsedBounce> {
  return parseBounce(readFileSync(join(DIR, file)));
}

describe('bounce parser over real bounces, complaints and auto-replies', () => {
  it('parses every message without throwing, and never takes an auto-reply or ordinary mail for a bounce', async () => {
    assert.ok(files.length > 450, `${files.length} fixtures`);
    for (const file of files) {
      const parsed = await parse(file);
      const system = systemOf(file);
      if (system === 'rfc3834' || system === 'is-not-bounce') {
        assert.ok(parsed.kind === 'autoreply' || parsed.kind === 'other', `${file} is not a bounce, got ${parsed.kind}`);
      }
    }
  });

  it('gets the recipient and action of every standard DSN (RFC 3464), and a status or code from all but two', async () => {
    const standard = files.filter((f) => systemOf(f) === 'rfc3464');
    const withoutCode: string[] = [];
    for (const file of standard) {
      const parsed = await parse(file);
      assert.equal(parsed.kind, 'dsn', file);
      assert.ok(parsed.recipients.length > 0, `${file} has recipients`);
      for (const r of parsed.recipients) {
        assert.match(r.address, /^[^@\s]+@[^@\s]+$/, file);
        assert.ok(['failed', 'delayed', 'delivered', 'relayed', 'expanded'].includes(r.action), `${file}: ${r.action}`);
        if (r.status === null && r.smtpCode === null) withoutCode.push(file);
      }
    }
    // rfc3464-37 and -39 carry no Status field and no code anywhere in the report.
    assert.deepEqual([...new Set(withoutCode)], ['rfc3464-37.eml', 'rfc3464-39.eml']);
  });

  it('recognises every feedback report as a complaint (RFC 5965)', async () => {
    for (const file of files.filter((f) => systemOf(f) === 'arf' && f !== 'arf-26.eml')) {
      assert.equal((await parse(file)).kind, 'complaint', file);
    }
  });

  it('reads the failed recipient and codes out of text bounces (qmail, Exim) and standard ones (Postfix)', async () => {
    assert.deepEqual(
      (await parse('lhost-qmail-01.eml')).recipients.map((r) => [r.address, r.smtpCode, r.hard]),
      [['kijitora@example.ne.jp', 550, true]],
    );
    const exim = (await parse('lhost-exim-01.eml')).recipients[0];
    assert.deepEqual([exim.address, exim.status, exim.smtpCode, exim.hard], ['kijitora@example.ed.jp', '5.7.0', 550, true]);
    const postfix = await parse('lhost-postfix-01.eml');
    assert.equal(postfix.kind, 'dsn');
    assert.ok(postfix.recipients.every((r) => r.status !== null));
  });

  it('gets recipient and status or reply code out of at least 80 % of all bounces', async () => {
    let bounces = 0;
    let parsed = 0;
    for (const file of files) {
      const system = systemOf(file);
      if (system === 'rfc3834' || system === 'is-not-bounce' || system === 'arf') continue;
      bounces++;
      const result = await parse(file);
      if (result.kind === 'dsn' && result.recipients.length > 0 && result.recipients.every((r) => r.status !== null || r.smtpCode !== null))
        parsed++;
    }
    assert.ok(parsed / bounces >= 0.8, `${parsed} of ${bounces}`);
  });

  it('answers other for garbage', async () => {
    assert.equal((await parseBounce(Buffer.from('\u0000\u0001 not mail at all'))).kind, 'other');
  });
});
