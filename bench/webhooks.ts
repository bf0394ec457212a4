/**
 * Webhook throughput: N events delivered by the worker to a local receiver, against a plain
 * HTTP POST loop sending the same body N times with the worker's per-endpoint concurrency,
 * to the same receiver, in the same run (once before and once after Postern's run; the
 * ratio uses their mean, so that a change in machine load during the run averages out).
 *
 *   npm run build && node_modules/.bin/node dist/bench/webhooks.js [--events 10000]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { IncomingHttpHeaders, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { MailEvent, uuidv7 } from '@postern/db';
import { generateWebhookSecret, signWebhook, webhookBody } from '@postern/events';
import { NodeProcess, childEnv, createTestEnv, eventually, freePort, http } from '@postern/testing';
// The worker's limit of requests in flight to one endpoint: the plain loop uses the same.
import { PER_ENDPOINT } from '../apps/worker/src/webhooks/webhook-deliver.handler';
import { cpuOfPids } from './proc-cpu';

const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const N = Number(args.get('--events') ?? 10_000);
/** Every how many webhooks the receiver checks the signature with the standardwebhooks package. */
const VERIFY_EVERY = 100;
const DIST = join(__dirname, '..');

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

interface Sample {
  headers: Record<string, string>;
  body: string;
}

/** Answers 200 to every POST; counts distinct webhook ids, and keeps one request to replay. */
class Receiver {
  readonly ids = new Set<string>();
  posts = 0;
  /** While the plain loop runs, requests are only counted. */
  replaying = false;
  duplicates = 0;
  verified = 0;
  firstAt = 0;
  lastAt = 0;
  sample: Sample | undefined;
  secret: Webhook | undefined;
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.posts++;
      const id = req.headers['webhook-id'];
      if (!this.replaying && typeof id === 'string' && req.headers['user-agent'] === 'Postern-Webhooks/1')
        this.webhook(id, req.headers, chunks);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private webhook(id: string, headers: IncomingHttpHeaders, chunks: Buffer[]): void {
    if (this.ids.has(id)) {
      this.duplicates++;
      return;
    }
    this.ids.add(id);
    this.lastAt = Date.now();
    if (this.ids.size === 1) this.firstAt = this.lastAt;
    if (this.ids.size % VERIFY_EVERY !== 1) return;
    const body = Buffer.concat(chunks).toString('utf8');
    const plain = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
    this.secret!.verify(body, plain); // throws (and fails the run) on a bad signature
    this.verified++;
    this.sample ??= { headers: plain, body };
  }
}

/** The data recordEvent writes for a delivery to `r<i>@sink.test`. */
function deliveredData(i: number, messageId: string, recipientId: string, from: string): Record<string, unknown> {
  return {
    messageId,
    recipientId,
    recipient: `r${i}@sink.test`,
    from,
    subject: `bench ${i}`,
    messageIdHeader: `<${messageId}@bench.localdomain>`,
    extra: { orderId: String(i) },
    tags: ['bench'],
    attempt: 1,
    smtpCode: 250,
    enhancedCode: '2.0.0',
    text: '250 2.0.0 Ok: queued as 4F2A1C0B3D',
    remoteHost: 'mx.sink.test',
    suppressed: false,
  };
}

/** N message.delivered events, shaped as recordEvent writes them for a delivery, in one INSERT. */
async function insertEvents(db: Client, accountId: string, from: string): Promise<void> {
  const ids: string[] = [];
  const recipients: string[] = [];
  const messages: string[] = [];
  const data: string[] = [];
  for (let i = 0; i < N; i++) {
    const messageId = uuidv7();
    const recipientId = uuidv7();
    ids.push(uuidv7());
    messages.push(messageId);
    recipients.push(recipientId);
    data.push(JSON.stringify(deliveredData(i, messageId, recipientId, from)));
  }
  await db.query(
    `INSERT INTO events (id, account_id, type, message_id, recipient_id, data)
     SELECT id, $1, 'message.delivered', message_id, recipient_id, data
     FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::jsonb[]) AS e(id, message_id, recipient_id, data)`,
    [accountId, ids, messages, recipients, data],
  );
}

/** Before Postern's run there is no webhook to replay yet: one built and signed the same way. */
function syntheticSample(): Sample {
  const [id, messageId, recipientId] = [uuidv7(), uuidv7(), uuidv7()];
  const event = {
    id,
    type: 'message.delivered',
    createdAt: new Date(),
    data: deliveredData(0, messageId, recipientId, 'postern@localhost'),
  };
  const body = webhookBody(event as MailEvent);
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Postern-Webhooks/1',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook([generateWebhookSecret()], id, timestamp, body),
    },
    body,
  };
}

async function postern(
  receiver: Receiver,
  url: string,
): Promise<{ insertMs: number; firstMs: number; fannedOutMs: number; deliveredMs: number; workerCpuMs: number }> {
  const httpPort = await freePort();
  const healthPort = await freePort();
  const env = createTestEnv({
    POSTERN_HTTP_PORT: String(httpPort),
    POSTERN_WORKER_HEALTH_PORT: String(healthPort),
    POSTERN_WEBHOOKS_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: 'warn',
  });
  const api = NodeProcess.start(join(DIST, 'apps/api/src/main.js'), [], childEnv(env.env));
  let worker: NodeProcess | undefined;
  const db = new Client({ connectionString: env.config.databaseUrl });
  try {
    const credentials = await api.until(
      () =>
        Promise.resolve(
          JSON.parse(readFileSync(join(env.config.dataDir, 'local-credentials.json'), 'utf8')) as { apiKey: string; address: string },
        ),
      { what: 'local credentials', timeoutMs: 60_000 },
    );
    const base = `http://127.0.0.1:${httpPort}`;
    await api.until(async () => (await http(base, 'GET', '/readyz')).status === 200, { what: 'API ready' });
    const endpoint = await http<{ id: string; secret: string }>(base, 'POST', '/v1/webhook-endpoints', {
      key: credentials.apiKey,
      json: { url },
    });
    if (endpoint.status !== 201) throw new Error(`creating the endpoint failed: ${endpoint.text}`);
    receiver.secret = new Webhook(endpoint.body.secret);
    await db.connect();
    const { rows } = await db.query<{ account_id: string }>('SELECT account_id FROM webhook_endpoints WHERE id = $1', [endpoint.body.id]);

    worker = NodeProcess.start(join(DIST, 'apps/worker/src/main.js'), [], childEnv(env.env));
    // The health server starts after the BullMQ workers and the fan-out schedule.
    await worker.until(async () => (await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status === 200, {
      what: 'worker ready',
      timeoutMs: 60_000,
    });

    const cpuBefore = cpuOfPids([worker.child.pid!]);
    const started = Date.now();
    await insertEvents(db, rows[0].account_id, credentials.address);
    const insertMs = Date.now() - started;
    await worker.until(() => Promise.resolve(receiver.ids.size >= N), { what: `${N} webhooks received`, timeoutMs: 30 * 60_000 });
    const deliveredMs = receiver.lastAt - started;
    const workerCpuMs = cpuOfPids([worker.child.pid!]) - cpuBefore;
    const succeeded = await eventually(
      async () => {
        const { rows: counts } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'succeeded'`,
        );
        return counts[0].n >= N ? counts[0].n : undefined;
      },
      { what: `${N} deliveries recorded as succeeded` },
    );
    if (succeeded !== N) throw new Error(`${succeeded} deliveries succeeded, expected ${N}`);
    // Delivery ids are UUIDv7, made by the fan-out: the last one tells when the fan-out was done.
    const { rows: last } = await db.query<{ id: string }>('SELECT max(id::text) AS id FROM webhook_deliveries');
    const fannedOutMs = parseInt(last[0].id.replace(/-/g, '').slice(0, 12), 16) - started;
    return { insertMs, firstMs: receiver.firstAt - started, fannedOutMs, deliveredMs, workerCpuMs };
  } finally {
    await db.end().catch(() => undefined);
    await worker?.stop();
    await api.stop();
    await env.cleanup();
  }
}

/** The same request N times, PER_ENDPOINT in flight, over keep-alive connections (fetch, as the worker). */
async function plainLoop(url: string, sample: Sample): Promise<number> {
  const headers = { ...sample.headers };
  for (const hop of ['host', 'connection', 'content-length', 'transfer-encoding', 'accept', 'accept-encoding', 'accept-language'])
    delete headers[hop];
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PER_ENDPOINT }, async () => {
      while (next < N) {
        next++;
        const response = await fetch(url, { method: 'POST', headers, body: sample.body, redirect: 'manual' });
        await response.text();
        if (response.status !== 200) throw new Error(`plain POST answered ${response.status}`);
      }
    }),
  );
  return Date.now() - started;
}

async function main(): Promise<void> {
  const receiver = new Receiver();
  const url = await receiver.listen();
  const load = () => `load average ${loadavg()[0].toFixed(1)}`;
  /** The reference runs before and after Postern's run, so that a change in machine load shows and averages out. */
  const reference = async (sample: Sample, when: string): Promise<number> => {
    const before = receiver.posts;
    receiver.replaying = true;
    const started = load();
    const cpu = process.cpuUsage();
    const ms = await plainLoop(url, sample);
    const used = process.cpuUsage(cpu);
    receiver.replaying = false;
    if (receiver.posts - before !== N) throw new Error(`the receiver got ${receiver.posts - before} plain POSTs, expected ${N}`);
    console.log(
      `plain HTTP POST loop ${when} (fetch, keep-alive, ${Buffer.byteLength(sample.body)} bytes): ${rate(N, ms)} requests/s (${ms} ms; ${started}; client and receiver CPU ${((used.user + used.system) / 1000 / N).toFixed(1)} ms per request)`,
    );
    return ms;
  };
  try {
    console.log(`events: ${N}, one endpoint, ${PER_ENDPOINT} requests in flight per endpoint (worker and plain loop)`);
    const firstMs = await reference(syntheticSample(), 'before');
    const started = load();
    const ours = await postern(receiver, url);
    console.log(
      `Postern: ${rate(N, ours.deliveredMs)} webhooks/s (${ours.deliveredMs} ms from the first event to the last webhook; ` +
        `events inserted in ${ours.insertMs} ms, all fanned out after ${ours.fannedOutMs} ms, first webhook after ${ours.firstMs} ms; ${started}; worker CPU ${(ours.workerCpuMs / N).toFixed(1)} ms per webhook), ` +
        `${receiver.verified} signatures verified, ${receiver.duplicates} duplicates, body ${Buffer.byteLength(receiver.sample!.body)} bytes`,
    );
    const secondMs = await reference(receiver.sample!, 'after');
    const plainMs = (firstMs + secondMs) / 2;
    console.log(`plain loop (mean time of both runs): ${rate(N, plainMs)} requests/s`);
    console.log(`ratio Postern/plain loop: ${(plainMs / ours.deliveredMs).toFixed(2)}`);
  } finally {
    await receiver.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
