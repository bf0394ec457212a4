import { createSocket } from 'node:dgram';
import { AddressInfo, createServer, Socket } from 'node:net';
import * as packet from 'dns-packet';

export interface DnsRecordSet {
  A?: string[];
  AAAA?: string[];
  MX?: { preference: number; exchange: string }[];
  TXT?: string[];
  CNAME?: string;
}

export interface TestDnsServer {
  readonly port: number;
  /** For `Resolver.setServers` / POSTERN_DNS_SERVERS. */
  readonly servers: string[];
  set(name: string, records: DnsRecordSet): void;
  remove(name: string): void;
  /** Answer SERVFAIL for this name (a temporary DNS failure). */
  servfail(name: string): void;
  readonly queries: { name: string; type: string }[];
  close(): Promise<void>;
}

const norm = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** TXT character-strings are at most 255 bytes (RFC 1035 3.3.14); long values (DKIM keys) are split. */
function txtStrings(value: string): Buffer[] {
  const bytes = Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) parts.push(bytes.subarray(i, i + 255));
  return parts.length ? parts : [Buffer.alloc(0)];
}

/**
 * An authoritative DNS server for tests on 127.0.0.1 (UDP and TCP on one ephemeral port).
 * Unknown names (with nothing below them) answer NXDOMAIN; known names without the asked
 * type answer NOERROR with no answers and an SOA (NODATA), as real servers do.
 */
export async function startDnsServer(initial: Record<string, DnsRecordSet> = {}): Promise<TestDnsServer> {
  const zone = new Map<string, DnsRecordSet>(Object.entries(initial).map(([k, v]) => [norm(k), v]));
  const failing = new Set<string>();
  const queries: { name: string; type: string }[] = [];

  function answer(query: packet.Packet): Buffer {
    const question = query.questions?.[0];
    const base = {
      id: query.id,
      type: 'response' as const,
      flags: packet.AUTHORITATIVE_ANSWER | packet.RECURSION_DESIRED,
      questions: query.questions,
    };
    if (!question) return packet.encode({ ...base, flags: base.flags | 1 });
    const name = norm(question.name);
    queries.push({ name, type: question.type });
    if (failing.has(name)) return packet.encode({ ...base, flags: base.flags | 2 }); // SERVFAIL
    const records = zone.get(name);
    const exists = records !== undefined || [...zone.keys()].some((k) => k.endsWith(`.${name}`));
    const soa: packet.Answer = {
      type: 'SOA',
      name: name.split('.').slice(-1)[0] || name,
      ttl: 60,
      data: { mname: 'ns.test', rname: 'hostmaster.test', serial: 1, refresh: 60, retry: 60, expire: 60, minimum: 60 },
    };
    if (!exists) return packet.encode({ ...base, flags: base.flags | 3, authorities: [soa] }); // NXDOMAIN
    const answers: packet.Answer[] = [];
    const ttl = 60;
    if (records?.CNAME && question.type !== 'CNAME') {
      answers.push({ type: 'CNAME', name: question.name, ttl, data: records.CNAME });
    }
    const type = question.type as string;
    if (type === 'A') for (const a of records?.A ?? []) answers.push({ type: 'A', name: question.name, ttl, data: a });
    if (type === 'AAAA') for (const a of records?.AAAA ?? []) answers.push({ type: 'AAAA', name: question.name, ttl, data: a });
    if (type === 'MX') {
      for (const mx of records?.MX ?? []) {
        answers.push({
          type: 'MX',
          name: question.name,
          ttl,
          data: { preference: mx.preference, exchange: mx.exchange === '.' ? '' : mx.exchange },
        });
      }
    }
    if (type === 'TXT') for (const t of records?.TXT ?? []) answers.push({ type: 'TXT', name: question.name, ttl, data: txtStrings(t) });
    if (type === 'CNAME' && records?.CNAME) answers.push({ type: 'CNAME', name: question.name, ttl, data: records.CNAME });
    return packet.encode({ ...base, answers, authorities: answers.length ? [] : [soa] });
  }

  const udp = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    try {
      udp.send(answer(packet.decode(msg)), rinfo.port, rinfo.address);
    } catch {
      // a malformed query gets no answer, like a real server under garbage
    }
  });
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  const port = udp.address().port;

  const sockets = new Set<Socket>();
  const tcp = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        const length = buffer.readUInt16BE(0);
        const reply = answer(packet.decode(buffer.subarray(2, 2 + length)));
        buffer = buffer.subarray(2 + length);
        const framed = Buffer.alloc(2 + reply.length);
        framed.writeUInt16BE(reply.length, 0);
        reply.copy(framed, 2);
        socket.write(framed);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, '127.0.0.1', resolve);
  });

  return {
    port: (tcp.address() as AddressInfo).port,
    servers: [`127.0.0.1:${port}`],
    queries,
    set: (name, records) => void zone.set(norm(name), records),
    remove: (name) => void zone.delete(norm(name)),
    servfail: (name) => void failing.add(norm(name)),
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
    },
  };
}
