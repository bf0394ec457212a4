import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { MailEvent, Suppression } from '@postern/db';
import { BounceMatcherService } from '@postern/events';
import { parseBounce } from '@postern/mime';
import { TestEnv, createTestEnv, eventually, http } from '@postern/testing';
import { RunningApi, startApi } from '../apps/api/src/start';
import { RunningWorker, startWorker } from '../apps/worker/src/start';

const FIXTURES = join(__dirname, '../../test/fixtures/bounces');

/** A real bounce from the fixture set, about `address` instead of its original recipient. */
async function realBounceFor(file: string, address: string): Promise<Buffer> {
  const raw = readFileSync(join(FIXTURES, file));
  const original = (await parseBounce(raw)).recipients[0].address;
  return Buffer.from(raw.toString('latin1').split(original).join(address), 'latin1');
}

describe('bounces and complaints that arrive later by mail', () => {
  let env: TestEnv;
  let api: RunningApi;
  let worker: RunningWorker;
  let matcher: BounceMatcherService;
  let db: DataSource;

  before(async () => {
    env = createTestEnv({ POSTERN_OUTBOUND: 'local' });
    api = await startApi(env.context);
    worker = await startWorker(env.context, { prepare: false });
    matcher = api.app.get(BounceMatcherService);
    db = api.app.get(DataSource);
  });

  after(async () => {
    await worker?.close();
    await api?.close();
    await env?.cleanup();
  });

  async function deliveredMessage(to: string[]): Promise<{ id: string; mailFrom: string }> {
    const { apiKey, address } = api.local!;
    const sent = await http(api.url, 'POST', '/v1/messages', {
      key: apiKey,
      json: { from: { address }, to: to.map((a) => ({ address: a })), text: 'x' },
    });
    return eventually(
      async () => {
        const got = await http(api.url, 'GET', `/v1/messages/${sent.body.id}`, { key: apiKey });
        return got.body.recipients.every((r: { status: string }) => r.status === 'delivered')
          ? { id: got.body.id as string, mailFrom: got.body.mailFrom as string }
          : undefined;
      },
      { what: 'delivery' },
    );
  }

  test('a real DSN to the unique envelope sender becomes message.bounced and suppresses a hard-bounced address', async () => {
    const message = await deliveredMessage(['gone@example.org']);
    const outcome = await matcher.handle(message.mailFrom, await realBounceFor('lhost-postfix-01.eml', 'gone@example.org'));
    assert.deepEqual(outcome, { messageId: message.id, kind: 'dsn', events: ['message.bounced'] });
    const event = await db.getRepository(MailEvent).findOneByOrFail({ messageId: message.id, type: 'message.bounced' });
    assert.equal(event.data.recipient, 'gone@example.org');
    assert.equal(event.data.hard, true);
    const suppression = await db.getRepository(Suppression).findOneByOrFail({ addressKey: 'gone@example.org' });
    assert.equal(suppression.reason, 'hard_bounce');
  });

  test('a real ARF report becomes message.complained and suppresses the complainer', async () => {
    const message = await deliveredMessage(['annoyed@example.org']);
    const raw = readFileSync(join(FIXTURES, 'arf-01.eml')).toString('latin1').split('redacted@example.net').join('annoyed@example.org');
    const outcome = await matcher.handle(message.mailFrom, Buffer.from(raw, 'latin1'));
    assert.deepEqual(outcome.events, ['message.complained']);
    assert.equal((await db.getRepository(Suppression).findOneByOrFail({ addressKey: 'annoyed@example.org' })).reason, 'complaint');
  });

  test('a bounce about an address the message was not sent to, or that cannot be parsed, is unrecognized; unknown senders match nothing', async () => {
    const message = await deliveredMessage(['known@example.org']);
    const stranger = await matcher.handle(message.mailFrom, await realBounceFor('lhost-qmail-01.eml', 'stranger@example.org'));
    assert.deepEqual(stranger.events, ['message.bounce_unrecognized']);
    const garbage = await matcher.handle(message.mailFrom, Buffer.from('Subject: hello\r\n\r\njust a note\r\n'));
    assert.deepEqual(garbage.events, ['message.bounce_unrecognized']);
    const autoreply = await matcher.handle(message.mailFrom, readFileSync(join(FIXTURES, 'rfc3834-01.eml')));
    assert.deepEqual(autoreply.events, [], 'an auto-reply is not a bounce');
    const nobody = await matcher.handle('nobody+0000@localhost', await realBounceFor('lhost-qmail-01.eml', 'known@example.org'));
    assert.equal(nobody.messageId, null);
  });
});
