/**
 * The benchmark's mailbox: N deterministic RFC 5322 messages of realistic size (about 1-8 KB;
 * text/plain, some quoted-printable UTF-8, multipart/alternative with HTML, multipart/mixed
 * with a base64 attachment), CRLF line ends, the same bytes for every server and every run.
 */
export interface BenchMessage {
  raw: Buffer;
  /** APPEND flags (RFC 9051 6.3.12). */
  flags: string[];
  /** APPEND date-time (RFC 9051 9: `"dd-Mon-yyyy hh:mm:ss +zzzz"`). */
  internalDate: string;
  /** Whether SEARCH TEXT SEARCH_WORD must find it. */
  hasWord: boolean;
}

/** Found by SEARCH TEXT in some bodies and subjects; no other generated text contains it. */
export const SEARCH_WORD = 'quetzal';

const WORDS = (
  'the of and to in is for on that with as by this be are from at or an it not have was we will can all ' +
  'report meeting budget project schedule invoice order delivery customer account team review draft ' +
  'release update server backup network storage quarter revenue forecast contract proposal agenda ' +
  'minutes travel office holiday summer winter coffee lunch dinner garden weather train ticket hotel ' +
  'flight booking payment receipt shipping package tracking warehouse supplier pricing discount ' +
  'launch feature request support ticket issue bug fix deploy staging production monitor alert ' +
  'please thanks regards hello morning afternoon evening week month year today tomorrow yesterday'
).split(' ');
const FIRST = ['Alice', 'Bob', 'Carol', 'David', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Niaj', 'Olivia'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** mulberry32: a small seeded PRNG, so the data does not depend on Math.random. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

function rfc5322Date(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function imapDate(d: Date): string {
  return `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export function generateMessage(i: number): BenchMessage {
  const rnd = random(i * 7919 + 17);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS));
  const person = () => {
    const first = pick(FIRST);
    const last = pick(LAST);
    return { name: `${first} ${last}`, address: `${first}.${last}@example.org`.toLowerCase() };
  };
  const bodyHasWord = i % 11 === 0;
  const subjectHasWord = i % 97 === 5;
  /** Paragraphs of words wrapped at 72 columns, about `size` bytes. */
  const text = (size: number) => {
    const lines: string[] = [];
    let line = '';
    let total = 0;
    while (total < size) {
      const word = pick(WORDS);
      if (line.length + word.length + 1 > 72) {
        lines.push(line);
        total += line.length + 2;
        line = '';
        if (rnd() < 0.15) lines.push('');
      }
      line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
    if (bodyHasWord) lines.splice(Math.floor(lines.length / 2), 0, `the ${SEARCH_WORD} flew over the garden`);
    return lines;
  };
  const from = person();
  const to = `bench@bench.test`;
  const date = new Date(Date.UTC(2026, 10, 1) + i * 60_000);
  const subject = [...words(4 + Math.floor(rnd() * 5)), ...(subjectHasWord ? [SEARCH_WORD] : []), `#${i}`].join(' ');
  const headers = [
    `Return-Path: <${from.address}>`,
    `Received: from mx${i % 7}.example.org (mx${i % 7}.example.org [192.0.2.${(i % 250) + 1}])`,
    `\tby mail.bench.test with ESMTPS id ${(i * 2654435761).toString(36)}; ${rfc5322Date(date)}`,
    `From: "${from.name}" <${from.address}>`,
    `To: ${to}`,
    ...(i % 3 === 0 ? [`Cc: "${person().name}" <${person().address}>, ${person().address}`] : []),
    `Subject: ${subject}`,
    `Date: ${rfc5322Date(date)}`,
    `Message-ID: <${i}.bench@example.org>`,
    ...(i % 4 === 1 && i > 1 ? [`In-Reply-To: <${i - 1}.bench@example.org>`] : []),
    'MIME-Version: 1.0',
  ];
  const size = 800 + Math.floor(rnd() * 5000);
  let body: string[];
  if (i % 4 === 1) {
    const boundary = `alt-${i}`;
    const plain = text(size / 2);
    headers.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
    body = [
      `--${boundary}`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      ...plain,
      `--${boundary}`,
      'Content-Type: text/html; charset=us-ascii',
      '',
      '<html><body>',
      ...plain.map((l) => (l ? `<p>${l}</p>` : '<br>')),
      '</body></html>',
      `--${boundary}--`,
    ];
  } else if (i % 10 === 3) {
    const boundary = `mixed-${i}`;
    const attachment = Buffer.from(Array.from({ length: 1000 + Math.floor(rnd() * 2000) }, () => Math.floor(rnd() * 256)));
    headers.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
    body = [
      `--${boundary}`,
      'Content-Type: text/plain; charset=us-ascii',
      '',
      ...text(size / 2),
      `--${boundary}`,
      `Content-Type: application/octet-stream; name="report-${i}.bin"`,
      `Content-Disposition: attachment; filename="report-${i}.bin"`,
      'Content-Transfer-Encoding: base64',
      '',
      ...(attachment.toString('base64').match(/.{1,76}/g) ?? []),
      `--${boundary}--`,
    ];
  } else if (i % 6 === 2) {
    headers.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable');
    body = [...text(size).map((l) => l.replace(/coffee/g, 'caf=C3=A9')), '', 'Fran=C3=A7ois'];
  } else {
    headers.push('Content-Type: text/plain; charset=us-ascii');
    body = text(size);
  }
  return {
    raw: Buffer.from([...headers, '', ...body, ''].join('\r\n'), 'utf8'),
    flags: i % 3 === 0 ? ['\\Seen'] : i % 17 === 0 ? ['\\Seen', '\\Flagged'] : [],
    internalDate: imapDate(date),
    hasWord: bodyHasWord || subjectHasWord,
  };
}
