import { createSocket, Socket as Socket4 } from 'node:dgram';
import { AddressInfo, Server, createServer, Socket } from 'node:net';
import * as packet from 'dns-packet';

export interface DnsRecordSet {
  A?: string[];
  AAAA?: string[];
  /** An exchange of '.' publishes a null MX (RFC 7505). */
  MX?: { preference: number; exchange: string }[];
  /** Values longer than 255 bytes are served as several character-strings of one record. */
  TXT?: string[];
  CNAME?: string;
  TLSA?: never;
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

const TTL = 60;
// RFC 1035 4.1.1 RCODE values, carried in the low four bits of the header flags.
const RCODE = { FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3 } as const;
const TRUNCATED = 1 << 9;

const norm = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** TXT character-strings are at most 255 bytes (RFC 1035 3.3.14); long values (DKIM keys) are split. */
function txtStrings(value: string): Buffer[] {
  const bytes = Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) parts.push(bytes.subarray(i, i + 255));
  return parts.length ? parts : [Buffer.alloc(0)];
}

function recordsOfType(name: string, type: string, records: DnsRecordSet | undefined): packet.Answer[] {
  switch (type) {
    case 'A':
      return (records?.A ?? []).map((data) => ({ type: 'A', name, ttl: TTL, data }));
    case 'AAAA':
      return (records?.AAAA ?? []).map((data) => ({ type: 'AAAA', name, ttl: TTL, data }));
    case 'MX':
      // RFC 7505 3: the null MX is preference 0 with the root (empty) exchange.
      return (records?.MX ?? []).map((mx) => ({
        type: 'MX',
        name,
        ttl: TTL,
        data: { preference: mx.preference, exchange: mx.exchange === '.' ? '' : norm(mx.exchange) },
      }));
    case 'TXT':
      return (records?.TXT ?? []).map((t) => ({ type: 'TXT', name, ttl: TTL, data: txtStrings(t) }));
    case 'CNAME':
      return records?.CNAME ? [{ type: 'CNAME', name, ttl: TTL, data: norm(records.CNAME) }] : [];
    default:
      return [];
  }
}

/** Binds UDP to an ephemeral port and TCP to the same one, trying again when TCP finds it taken. */
async function bindSamePort(tcp: Server): Promise<Socket4> {
  for (let attempt = 0; ; attempt++) {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(udp.address().port, '127.0.0.1', () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return udp;
    } catch (err) {
      udp.close();
      if (attempt >= 10) throw err;
    }
  }
}

/**
 * An authoritative DNS server for tests on 127.0.0.1 (UDP and TCP on one ephemeral port).
 * Unknown names (with nothing below them) answer NXDOMAIN; known names without the asked
 * type answer NOERROR with no answers and an SOA (NODATA, RFC 2308 2.2), as real servers do.
 */
export async function startDnsServer(initial: Record<string, DnsRecordSet> = {}): Promise<TestDnsServer> {
  const zone = new Map<string, DnsRecordSet>(Object.entries(initial).map(([k, v]) => [norm(k), v]));
  const failing = new Set<string>();
  const queries: { name: string; type: string }[] = [];

  // RFC 8020: a name exists when it has records or any name below it does (empty non-terminal).
  const exists = (name: string) => zone.has(name) || [...zone.keys()].some((k) => k.endsWith(`.${name}`));

  function soa(name: string): packet.Answer {
    const labels = name.split('.');
    return {
      type: 'SOA',
      name: labels.slice(-2).join('.'),
      ttl: TTL,
      data: { mname: 'ns.test', rname: 'hostmaster.test', serial: 1, refresh: 60, retry: 60, expire: 60, minimum: TTL },
    };
  }

  function answer(query: packet.Packet): packet.Packet {
    const question = query.questions?.[0];
    // RFC 1035 4.1.1: copy the id and RD; we are authoritative and do not recurse.
    const rd = (query.flags ?? 0) & packet.RECURSION_DESIRED;
    const reply = (rcode: number, answers: packet.Answer[] = [], authorities: packet.Answer[] = []): packet.Packet => ({
      id: query.id,
      type: 'response',
      flags: packet.AUTHORITATIVE_ANSWER | rd | rcode,
      questions: query.questions,
      answers,
      authorities,
    });
    if (!question) return reply(RCODE.FORMERR);
    const asked = norm(question.name);
    queries.push({ name: asked, type: question.type });

    // RFC 1034 4.3.2: follow CNAMEs inside our zone, answering the chain and the target's records.
    const answers: packet.Answer[] = [];
    let name = asked;
    for (let hops = 0; hops < 8; hops++) {
      if (failing.has(name)) return reply(RCODE.SERVFAIL);
      if (!exists(name)) return answers.length ? reply(0, answers, [soa(name)]) : reply(RCODE.NXDOMAIN, [], [soa(name)]);
      const records = zone.get(name);
      if (records?.CNAME && question.type !== 'CNAME') {
        answers.push(...recordsOfType(name, 'CNAME', records));
        name = norm(records.CNAME);
        continue;
      }
      answers.push(...recordsOfType(name, question.type, records));
      break;
    }
    const final = answers.length > 0 && answers[answers.length - 1].type === question.type;
    return reply(0, answers, final ? [] : [soa(name)]);
  }

  function onDatagram(udp: Socket4, msg: Buffer, rinfo: { port: number; address: string }) {
    let query: packet.Packet;
    try {
      query = packet.decode(msg);
    } catch {
      return; // a malformed query gets no answer, like a real server under garbage
    }
    const response = answer(query);
    let bytes = packet.encode(response);
    // RFC 1035 4.2.1: UDP answers are at most 512 bytes unless the client offered a larger
    // EDNS buffer (RFC 6891 6.2.5); a longer one is sent empty with TC set, so the client retries over TCP.
    const opt = query.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
    const limit = Math.max(512, opt?.udpPayloadSize ?? 512);
    if (bytes.length > limit) {
      bytes = packet.encode({ ...response, flags: (response.flags ?? 0) | TRUNCATED, answers: [], authorities: [] });
    }
    udp.send(bytes, rinfo.port, rinfo.address);
  }

  // RFC 1035 4.2.2: over TCP each message is prefixed with its two-byte length.
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
        const message = buffer.subarray(2, 2 + length);
        buffer = buffer.subarray(2 + length);
        let reply: Buffer;
        try {
          reply = packet.encode(answer(packet.decode(message)));
        } catch {
          socket.destroy();
          return;
        }
        const framed = Buffer.alloc(2 + reply.length);
        framed.writeUInt16BE(reply.length, 0);
        reply.copy(framed, 2);
        socket.write(framed);
      }
    });
  });
  const udp = await bindSamePort(tcp);
  udp.on('message', (msg, rinfo) => onDatagram(udp, msg, rinfo));
  const port = (tcp.address() as AddressInfo).port;

  return {
    port,
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
