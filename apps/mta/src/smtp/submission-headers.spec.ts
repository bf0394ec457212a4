import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { readSubmittedHeaders } from './submission-headers';

describe('readSubmittedHeaders', () => {
  it('turns X-Postern-Extra-* fields into extra and removes them from the message', () => {
    const raw = Buffer.from(
      'From: a@example.org\r\nX-Postern-Extra-Order: 42\r\nX-Postern-Extra-Customer: acme\r\n corp\r\nSubject: hi\r\n\r\nbody\r\n',
    );
    const headers = readSubmittedHeaders(raw);
    assert.deepEqual(headers.extra, { order: '42', customer: 'acme corp' });
    assert.equal(headers.message.toString(), 'From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n');
    assert.equal(headers.hasMessageId, false);
  });

  it('reads TLS-Required: No (RFC 8689 5) and leaves a message without extras as is', () => {
    const raw = Buffer.from(
      'From: a@example.org\r\nTLS-Required: No\r\nMessage-ID: <x@example.org>\r\nDate: Tue, 1 Dec 2026 20:00:00 +0000\r\n\r\nbody\r\n',
    );
    const headers = readSubmittedHeaders(raw);
    assert.equal(headers.tlsRequiredNo, true);
    assert.equal(headers.message, raw);
    assert.ok(headers.hasMessageId && headers.hasDate);
  });
});
