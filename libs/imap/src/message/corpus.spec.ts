import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  binarySection,
  bodyStructure,
  envelope,
  matchesBody,
  matchesText,
  parseMessageStructure,
  section,
  sentDay,
  type MimePart,
} from './index';

const FIXTURES = join(__dirname, '../../../../../test/fixtures/bounces');
const corpus = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.eml'))
  .sort()
  .map((name) => ({ name, raw: readFileSync(join(FIXTURES, name)) }));

/** Every range inside the message and inside its parent, headers before bodies, parts in order. */
function assertRanges(part: MimePart, within: { start: number; end: number }, where: string): void {
  const { header, body } = part;
  assert.ok(within.start <= header.start && header.start <= header.end, `${where}: header ${JSON.stringify(header)}`);
  assert.ok(
    header.end <= body.start && body.start <= body.end && body.end <= within.end,
    `${where}: body ${JSON.stringify(body)} in ${JSON.stringify(within)}`,
  );
  for (const f of part.headers) assert.ok(header.start <= f.range.start && f.range.end <= header.end, `${where}: field ${f.name}`);
  let previous = body.start;
  part.parts.forEach((child, i) => {
    assert.ok(child.header.start >= previous, `${where}.${i + 1} starts before its sibling ends`);
    assertRanges(child, body, `${where}.${i + 1}`);
    previous = child.body.end;
  });
  if (part.message) assertRanges(part.message, body, `${where}(message)`);
}

/** Renders everything a FETCH or SEARCH could ask of a message. */
function renderAll(raw: Buffer): MimePart {
  const tree = parseMessageStructure(raw);
  assertRanges(tree, { start: 0, end: raw.length }, 'message');
  bodyStructure(tree, true);
  bodyStructure(tree, false);
  envelope(tree);
  for (const spec of [
    '',
    'HEADER',
    'TEXT',
    '1',
    '1.MIME',
    '2',
    '2.HEADER',
    '2.TEXT',
    '3.1',
    '3.1.MIME',
    'HEADER.FIELDS (From)',
    '1<5.10>',
  ]) {
    section(raw, tree, spec);
  }
  binarySection(raw, tree, [1]);
  binarySection(raw, tree, [2, 1]);
  matchesBody(raw, tree, 'x');
  matchesText(raw, tree, 'x');
  sentDay(tree);
  return tree;
}

describe('the bounce corpus', () => {
  it(`parses all ${corpus.length} real messages with every range inside the message`, () => {
    assert.ok(corpus.length > 400);
    let multiparts = 0;
    let embedded = 0;
    for (const { name, raw } of corpus) {
      const tree = renderAll(raw);
      if (tree.parts.length) multiparts++;
      if (tree.parts.some((p) => p.message)) embedded++;
      assert.ok(section(raw, tree, 'HEADER').length > 0, name);
    }
    // The corpus is mostly multipart/report with the original message attached.
    assert.ok(multiparts > 200, `multiparts: ${multiparts}`);
    assert.ok(embedded > 100, `message/rfc822 parts: ${embedded}`);
  });

  it('reads LF-only messages (as the fixtures are) like their CRLF form, sizes aside', () => {
    const shape = (raw: Buffer): string => JSON.stringify(bodyStructure(parseMessageStructure(raw), true)).replace(/\b\d+\b/g, 'n');
    for (const { name, raw } of corpus) {
      if (raw.includes(0x0d)) continue;
      const crlfForm = Buffer.from(raw.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
      assert.equal(shape(raw), shape(crlfForm), name);
    }
  });

  it('gives the exact bytes back: header and text of the message add up to the message', () => {
    for (const { name, raw } of corpus) {
      const tree = parseMessageStructure(raw);
      assert.ok(Buffer.concat([section(raw, tree, 'HEADER'), section(raw, tree, 'TEXT')]).equals(raw), name);
    }
  });
});

/** Small deterministic PRNG (mulberry32) so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(raw: Buffer, random: () => number): Buffer {
  const at = Math.floor(random() * raw.length);
  switch (Math.floor(random() * 6)) {
    case 0: // truncate
      return raw.subarray(0, at);
    case 1: {
      // flip bytes, 8-bit junk included
      const copy = Buffer.from(raw);
      for (let i = 0; i < 1 + random() * 20; i++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
      return copy;
    }
    case 2: {
      // remove every boundary line
      const text = raw.toString('latin1');
      return Buffer.from(text.replace(/^--.*$/gm, ''), 'latin1');
    }
    case 3: {
      // cut a random slice out
      const end = Math.min(raw.length, at + Math.floor(random() * 400));
      return Buffer.concat([raw.subarray(0, at), raw.subarray(end)]);
    }
    case 4: // break line ends
      return Buffer.from(
        raw.toString('latin1').replace(/\n/g, () => (random() < 0.3 ? '\r' : '\n')),
        'latin1',
      );
    default: {
      // duplicate a slice somewhere (nested boundaries, repeated headers)
      const end = Math.min(raw.length, at + Math.floor(random() * 300));
      const insert = Math.floor(random() * raw.length);
      return Buffer.concat([raw.subarray(0, insert), raw.subarray(at, end), raw.subarray(insert)]);
    }
  }
}

describe('broken MIME', () => {
  it('never throws on random mutations of real messages (truncation, flipped bytes, lost boundaries)', () => {
    const random = prng(20261201);
    const samples = corpus.filter((_c, i) => i % 8 === 0);
    for (let round = 0; round < 1500; round++) {
      const { name, raw } = samples[round % samples.length];
      let message: Buffer = raw;
      for (let n = 0; n < 1 + Math.floor(random() * 3); n++) message = mutate(message, random);
      assert.doesNotThrow(() => renderAll(message), `round ${round} from ${name}`);
    }
  });

  it('survives a huge header, deep nesting and thousands of parts', () => {
    const hugeHeader = Buffer.from(`Subject: ${'x'.repeat(2_000_000)}\r\nX: ${'y\r\n '.repeat(100_000)}\r\n\r\nbody`);
    assert.equal(parseMessageStructure(hugeHeader).headers.length, 2);
    let deep = 'body\r\n';
    for (let i = 0; i < 300; i++) deep = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${deep}--b${i}--\r\n`;
    renderAll(Buffer.from(deep));
    const many = Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\n\r\nx\r\n'.repeat(20_000)}--b--\r\n`);
    const tree = parseMessageStructure(many);
    assert.ok(tree.parts.length > 1000 && tree.parts.length <= 10_000, `parts: ${tree.parts.length}`);
    for (const junk of [Buffer.alloc(0), Buffer.from('\r\n'), Buffer.from('--'), Buffer.from([0, 0xff, 0x0a, 0x2d, 0x2d])]) renderAll(junk);
  });
});
