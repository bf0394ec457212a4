import { Command } from '../../protocol/command';
import { atom } from '../../protocol/value';
import { bad } from '../errors';
import { Completion, ImapSession } from '../session';

type Of<N extends Command['name']> = Command & { name: N };

/** RFC 9051 6.1.1 */
export async function capability(session: ImapSession): Promise<void> {
  session.untagged([atom('CAPABILITY'), ...session.capabilityList().map(atom)]);
  return Promise.resolve();
}

/** RFC 9051 6.1.2: a chance for updates, which the session sends after every command. */
export async function noop(session: ImapSession): Promise<void> {
  if (session.selected) session.selected.dirty = true;
  return Promise.resolve();
}

/** RFC 9051 6.1.3 */
export async function logout(session: ImapSession, tag: string): Promise<Completion> {
  session.untagged([atom('BYE'), atom('logging out')]);
  session.write(Buffer.from(`${tag} OK LOGOUT completed\r\n`));
  session.close();
  return Promise.resolve({ answered: true });
}

/** RFC 9051 6.2.1 */
export async function starttls(session: ImapSession, tag: string): Promise<Completion> {
  if (session.secure) throw bad('TLS is already active');
  if (!session.options.startTls) throw bad('STARTTLS is not available');
  session.write(Buffer.from(`${tag} OK begin TLS negotiation now\r\n`));
  await session.upgrade();
  return { answered: true };
}

/** RFC 5161: ENABLE CONDSTORE, QRESYNC (which implies CONDSTORE), UTF8=ACCEPT, IMAP4rev2. */
export async function enable(session: ImapSession, _tag: string, command: Of<'ENABLE'>): Promise<void> {
  const supported = new Set(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT', 'IMAP4REV2']);
  const newly: string[] = [];
  for (const capability of command.capabilities) {
    if (!supported.has(capability) || session.enabled.has(capability)) continue;
    session.enabled.add(capability);
    newly.push(capability === 'IMAP4REV2' ? 'IMAP4rev2' : capability);
    if (capability === 'QRESYNC' || capability === 'CONDSTORE') session.condstore = true;
  }
  session.untagged([atom('ENABLED'), ...newly.map(atom)]);
  return Promise.resolve();
}

/** RFC 2971 */
export async function id(session: ImapSession, _tag: string, command: Of<'ID'>): Promise<void> {
  if (command.params) session.logger.debug({ session: session.id, client: Object.fromEntries(command.params) }, 'imap client id');
  session.untagged([atom('ID'), ['name', 'Postern', 'vendor', 'Postern']]);
  return Promise.resolve();
}

/** RFC 2342: one personal namespace, no others. */
export async function namespace(session: ImapSession): Promise<void> {
  session.untagged([atom('NAMESPACE'), [['', '/']], null, null]);
  return Promise.resolve();
}

/** RFC 9051 6.4.2 CLOSE: expunge silently when read-write, then deselect. */
export async function close(session: ImapSession): Promise<void> {
  const selected = session.selected;
  if (selected && !selected.readOnly) await session.store.expunge({ accountId: session.accountId, mailboxId: selected.id });
  session.selected = null;
  session.state = 'authenticated';
}

/** RFC 3691 UNSELECT / RFC 9051 6.4.2 */
export async function unselect(session: ImapSession): Promise<void> {
  session.selected = null;
  session.state = 'authenticated';
  return Promise.resolve();
}

/** RFC 3501 6.4.1 CHECK: nothing to do, everything is committed. */
export async function check(session: ImapSession): Promise<void> {
  if (session.selected) session.selected.dirty = true;
  return Promise.resolve();
}
