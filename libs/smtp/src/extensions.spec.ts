import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dotStuff, mailParameters, xtext } from './envelope';
import { parseExtensions } from './extensions';

const ehlo = (...lines: string[]) => parseExtensions({ code: 250, enhanced: null, text: ['mx.example', ...lines].join('\n') });

describe('parseExtensions', () => {
  it('reads SIZE, LIMITS RCPTMAX (RFC 9422), flags and both AUTH forms', () => {
    const ext = ehlo(
      'PIPELINING',
      'SIZE 35882577',
      'LIMITS MAILMAX=5 RCPTMAX=50',
      'AUTH PLAIN LOGIN',
      'AUTH=CRAM-MD5 LOGIN',
      '8BITMIME',
      'ENHANCEDSTATUSCODES',
      'SMTPUTF8',
      'STARTTLS',
      'REQUIRETLS',
    );
    assert.deepEqual(
      [
        ext.pipelining,
        ext.size,
        ext.rcptMax,
        ext.auth,
        ext.eightBitMime,
        ext.enhancedStatusCodes,
        ext.smtpUtf8,
        ext.starttls,
        ext.requireTls,
      ],
      [true, 35882577, 50, ['PLAIN', 'LOGIN', 'CRAM-MD5'], true, true, true, true, true],
    );
    assert.equal(ext.raw.get('LIMITS'), 'MAILMAX=5 RCPTMAX=50');
  });

  it('treats a bare SIZE, SIZE 0 and a missing RCPTMAX as no limit; the first line is not an extension', () => {
    const ext = ehlo('SIZE', 'LIMITS MAILMAX=5');
    assert.deepEqual([ext.size, ext.rcptMax, ext.raw.has('SIZE'), ext.raw.has('MX.EXAMPLE')], [null, null, true, false]);
    assert.equal(ehlo('SIZE 0').size, null);
  });
});

describe('envelope helpers', () => {
  it('dot-stuffs lines that start with a dot and ends with CRLF.CRLF (RFC 5321 4.5.2)', () => {
    assert.equal(dotStuff(Buffer.from('.a\r\nb\r\n..c')).toString(), '..a\r\nb\r\n...c\r\n.\r\n');
    assert.equal(dotStuff(Buffer.from('x\r\n')).toString(), 'x\r\n.\r\n');
  });

  it('adds SIZE, BODY=8BITMIME, SMTPUTF8, REQUIRETLS and ENVID only when offered and needed', () => {
    const ext = ehlo('SIZE', '8BITMIME', 'DSN');
    const data = Buffer.from('caf\xe9\r\n', 'latin1');
    assert.deepEqual(mailParameters(ext, { data, utf8: true, requireTls: true, envelopeId: 'id+1=2' }), [
      'SIZE=6',
      'BODY=8BITMIME',
      'SMTPUTF8',
      'REQUIRETLS',
      'ENVID=id+2B1+3D2',
    ]);
    assert.deepEqual(mailParameters(ehlo(), { data, utf8: false, envelopeId: 'x' }), []);
    assert.equal(xtext('a b'), 'a+20b');
  });
});
