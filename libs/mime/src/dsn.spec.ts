import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { composeDsn, type DsnInput } from './dsn';
import { MimeError } from './mime-error';

const originalHeaders = Buffer.from('From: sender@example.org\nTo: gone@example.net\nSubject: Hello\nMessage-ID: <orig@example.org>\n\n');

function dsnInput(overrides: Partial<DsnInput> = {}): DsnInput {
  return {
    reportingMta: 'mail.example.org',
    from: { address: 'MAILER-DAEMON@mail.example.org', name: 'Mail Delivery System' },
    to: 'sender@example.org',
    originalMessageId: '<orig@example.org>',
    originalEnvelopeId: 'env-42',
    originalHeaders,
    arrivalDate: new Date('2025-01-02T03:04:05Z'),
    messageId: '<dsn-1@mail.example.org>',
    recipients: [
      {
        address: 'gone@example.net',
        action: 'failed',
        status: '5.1.1',
        remoteMta: 'mx.example.net',
        diagnostic: 'smtp; 550 5.1.1 no such user',
        lastAttemptDate: new Date('2025-01-02T03:05:00Z'),
      },
      {
        address: 'slow@example.net',
        action: 'delayed',
        status: '4.4.1',
        willRetryUntil: new Date('2025-01-07T03:04:05Z'),
      },
    ],
    ...overrides,
  };
}

describe('composeDsn', () => {
  it('builds a multipart/report with text, delivery-status and rfc822-headers parts (RFC 3464, RFC 6522)', async () => {
    const raw = composeDsn(dsnInput());
    const text = raw.toString('latin1');
    assert.doesNotMatch(text, /[^\r]\n/);
    assert.match(text, /^Content-Type: multipart\/report; report-type=delivery-status; boundary="[^"]+"\r$/m);
    assert.match(text, /^Auto-Submitted: auto-replied\r$/m);
    assert.match(text, /^In-Reply-To: <orig@example\.org>\r$/m);
    assert.match(text, /^From: "Mail Delivery System" <MAILER-DAEMON@mail\.example\.org>\r$/m);

    const parsed = await simpleParser(raw);
    assert.equal(parsed.subject, 'Delivery Status Notification (Failure)');
    assert.equal(parsed.messageId, '<dsn-1@mail.example.org>');
    assert.match(String(parsed.text), /could not be delivered[\s\S]*<gone@example\.net>[\s\S]*550 5\.1\.1 no such user/);

    const boundary = /boundary="([^"]+)"/.exec(text)?.[1] ?? '';
    const parts = text.split(`--${boundary}`).slice(1, -1);
    assert.equal(parts.length, 3);
    assert.match(parts[0], /^\r\nContent-Type: text\/plain; charset=utf-8\r\n/);
    assert.match(parts[1], /^\r\nContent-Type: message\/delivery-status\r\n\r\n/);
    const status = parts[1].slice(parts[1].indexOf('\r\n\r\n') + 4);
    const [perMessage, failed, delayed] = status.trimEnd().split('\r\n\r\n');
    assert.equal(
      perMessage,
      'Original-Envelope-Id: env-42\r\nReporting-MTA: dns; mail.example.org\r\nArrival-Date: Thu, 02 Jan 2025 03:04:05 +0000',
    );
    assert.equal(
      failed,
      [
        'Final-Recipient: rfc822; gone@example.net',
        'Action: failed',
        'Status: 5.1.1',
        'Remote-MTA: dns; mx.example.net',
        'Diagnostic-Code: smtp; 550 5.1.1 no such user',
        'Last-Attempt-Date: Thu, 02 Jan 2025 03:05:00 +0000',
      ].join('\r\n'),
    );
    assert.equal(
      delayed,
      [
        'Final-Recipient: rfc822; slow@example.net',
        'Action: delayed',
        'Status: 4.4.1',
        'Will-Retry-Until: Tue, 07 Jan 2025 03:04:05 +0000',
      ].join('\r\n'),
    );
    assert.equal(
      parts[2],
      '\r\nContent-Type: text/rfc822-headers\r\n\r\n' +
        'From: sender@example.org\r\nTo: gone@example.net\r\nSubject: Hello\r\nMessage-ID: <orig@example.org>\r\n\r\n',
    );
    assert.ok(text.endsWith(`--${boundary}--\r\n`));
  });

  it('names a delay or a success in the subject when nothing failed', async () => {
    const delayed = composeDsn(dsnInput({ recipients: [{ address: 'a@example.net', action: 'delayed', status: '4.2.2' }] }));
    assert.equal((await simpleParser(delayed)).subject, 'Delivery Status Notification (Delay)');
    const ok = composeDsn(dsnInput({ recipients: [{ address: 'a@example.net', action: 'delivered', status: '2.0.0' }] }));
    assert.equal((await simpleParser(ok)).subject, 'Delivery Status Notification (Success)');
  });

  it('uses the global variants for UTF-8 addresses (RFC 6533)', () => {
    const raw = composeDsn(dsnInput({ recipients: [{ address: 'jürgen@example.net', action: 'failed', status: '5.1.1' }] })).toString(
      'utf8',
    );
    assert.match(raw, /^Content-Type: message\/global-delivery-status\r$/m);
    assert.match(raw, /^Final-Recipient: utf-8; jürgen@example\.net\r$/m);
    assert.match(raw, /^Content-Type: message\/global-headers\r$/m);
  });

  it('rejects invalid status codes and header injection', () => {
    assert.throws(() => composeDsn(dsnInput({ recipients: [{ address: 'a@b.example', action: 'failed', status: '550' }] })), MimeError);
    assert.throws(
      () =>
        composeDsn(dsnInput({ recipients: [{ address: 'a@b.example', action: 'failed', status: '5.0.0', diagnostic: 'x\r\nBcc: y' }] })),
      MimeError,
    );
  });
});
