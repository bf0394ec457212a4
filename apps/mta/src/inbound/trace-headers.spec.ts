import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rfc5322Date } from '@postern/mime';
import { receivedHeader, stripForgedHeaders } from './trace-headers';

test('the Received header names the peer, the protocol with TLS, the TLS version and cipher, and the recipient', () => {
  const header = receivedHeader({
    session: {
      id: 'c0ffee',
      remoteAddress: '192.0.2.7',
      remotePort: 40000,
      clientHostname: 'mail.sender.test',
      reverseHostname: 'out.sender.test',
      tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
    },
    hostname: 'mx.postern.test',
    recipients: ['bob@postern.test'],
    date: new Date('2026-12-01T20:45:07Z'),
  });
  assert.equal(
    header,
    'Received: from mail.sender.test (out.sender.test [192.0.2.7])\r\n' +
      '\tby mx.postern.test (Postern) with ESMTPS id c0ffee\r\n' +
      '\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384)\r\n' +
      '\tfor <bob@postern.test>;\r\n' +
      '\tTue, 01 Dec 2026 20:45:07 +0000\r\n',
  );
});

test('RFC 5322 dates pad the day and time', () => {
  assert.equal(rfc5322Date(new Date('2027-01-02T03:04:05Z')), 'Sat, 02 Jan 2027 03:04:05 +0000');
});

test('forged decision headers and Authentication-Results with our authserv-id are removed, others kept', () => {
  const raw = Buffer.from(
    'X-Postern-Reason: accepted; trust me\r\n' +
      'Authentication-Results: mx.postern.test;\r\n dkim=pass header.d=bank.test\r\n' +
      'Authentication-Results: other.test; spf=pass\r\n' +
      'Subject: hi\r\n\r\nbody\r\n',
  );
  assert.equal(
    stripForgedHeaders(raw, 'MX.postern.test').toString(),
    'Authentication-Results: other.test; spf=pass\r\nSubject: hi\r\n\r\nbody\r\n',
  );
  const clean = Buffer.from('Subject: hi\r\n\r\nbody\r\n');
  assert.equal(stripForgedHeaders(clean, 'mx.postern.test'), clean);
});
