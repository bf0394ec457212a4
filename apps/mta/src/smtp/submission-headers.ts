/**
 * The header section of a submitted message, as far as submission needs it: the
 * `X-Postern-Extra-<Key>` fields (removed, they become the message's `extra`), `TLS-Required`
 * (RFC 8689 5) and whether Message-ID and Date are there (RFC 6409 8.3, 8.6: the submission
 * server may add them).
 */
export interface SubmittedHeaders {
  message: Buffer;
  extra: Record<string, string>;
  tlsRequiredNo: boolean;
  hasMessageId: boolean;
  hasDate: boolean;
}

const EXTRA = /^x-postern-extra-([a-z0-9_-]+)$/i;

export function readSubmittedHeaders(raw: Buffer): SubmittedHeaders {
  const end = raw.indexOf('\r\n\r\n');
  const headerEnd = end < 0 ? raw.length : end + 2;
  const lines = raw.subarray(0, headerEnd).toString('latin1').split('\r\n').slice(0, -1);
  // One entry per field: its name and its raw lines (a field folds over several).
  const fields: { name: string; lines: string[] }[] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) fields.at(-1)!.lines.push(line);
    else fields.push({ name: line.slice(0, Math.max(line.indexOf(':'), 0)).trim(), lines: [line] });
  }
  const value = (f: { lines: string[] }) =>
    Buffer.from(f.lines.join('').replace(/^[^:]*:\s*/, ''), 'latin1')
      .toString('utf8')
      .trim();
  const extra: Record<string, string> = {};
  const kept = fields.filter((f) => {
    const match = EXTRA.exec(f.name);
    if (!match) return true;
    extra[match[1].toLowerCase()] = value(f);
    return false;
  });
  const named = (name: string) => fields.filter((f) => f.name.toLowerCase() === name);
  const tlsRequired = named('tls-required');
  const message =
    kept.length === fields.length
      ? raw
      : Buffer.concat([Buffer.from(kept.flatMap((f) => f.lines.map((l) => `${l}\r\n`)).join(''), 'latin1'), raw.subarray(headerEnd)]);
  return {
    message,
    extra,
    tlsRequiredNo: tlsRequired.some((f) => value(f).toLowerCase() === 'no'),
    hasMessageId: named('message-id').length > 0,
    hasDate: named('date').length > 0,
  };
}
