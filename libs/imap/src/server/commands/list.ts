import { Command } from '../../protocol/command';
import { astring } from '../../protocol/encoder';
import { ImapValue, atom } from '../../protocol/value';
import { decodeName, encodeName, listMatcher } from '../mailbox-names';
import { ImapSession } from '../session';
import { ImapMailbox } from '../store';
import { statusValues } from './status';

type Of<N extends Command['name']> = Command & { name: N };

/** RFC 9051 6.3.9 LIST with RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS, RFC 6154 SPECIAL-USE. */
export async function list(session: ImapSession, _tag: string, command: Of<'LIST'>): Promise<void> {
  const utf8 = session.utf8;
  const reference = decodeName(command.reference, utf8);
  if (command.patterns.length === 1 && command.patterns[0] === '' && !command.extended) {
    // RFC 9051 6.3.9: the hierarchy delimiter and root.
    session.untagged([atom('LIST'), [atom('\\Noselect')], '/', '']);
    return;
  }
  const matchers = command.patterns.map((p) => listMatcher(reference, decodeName(p, utf8)));
  const mailboxes = await session.store.listMailboxes(session.accountId);
  const subscribedOnly = command.selection.includes('SUBSCRIBED');
  const specialOnly = command.selection.includes('SPECIAL-USE');
  const showSubscribed = subscribedOnly || command.returns.subscribed;
  const names = new Set(mailboxes.map((m) => m.name));
  const responses: ImapValue[][] = [];
  const statuses: ImapValue[][] = [];
  for (const mailbox of mailboxes.sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name))) {
    if (!matchers.some((match) => match(mailbox.name))) continue;
    if (subscribedOnly && !mailbox.subscribed) continue;
    if (specialOnly && !mailbox.specialUse) continue;
    const attributes: string[] = [];
    const hasChildren = [...names].some((n) => n.startsWith(mailbox.name + '/'));
    attributes.push(hasChildren ? '\\HasChildren' : '\\HasNoChildren');
    if (showSubscribed && mailbox.subscribed) attributes.push('\\Subscribed');
    if (mailbox.specialUse) attributes.push(mailbox.specialUse);
    const encoded = astring(encodeName(mailbox.name, utf8));
    responses.push([atom('LIST'), attributes.map(atom), '/', encoded]);
    if (command.returns.status) statuses.push([atom('STATUS'), encoded, await statusValues(session, mailbox, command.returns.status)]);
  }
  // RFC 9051 6.3.9 / RFC 5258 3: a level that exists only as the parent of others is listed
  // as \NonExistent (\Noselect for LIST without extensions) when the pattern names it.
  if (!subscribedOnly && !specialOnly) {
    const parents = new Set<string>();
    for (const name of names) {
      const levels = name.split('/');
      for (let i = 1; i < levels.length; i++) parents.add(levels.slice(0, i).join('/'));
    }
    for (const parent of [...parents].sort()) {
      if (names.has(parent) || !matchers.some((match) => match(parent))) continue;
      responses.push([
        atom('LIST'),
        [atom(command.extended ? '\\NonExistent' : '\\Noselect'), atom('\\HasChildren')],
        '/',
        astring(encodeName(parent, utf8)),
      ]);
      if (command.returns.status) statuses.push([]);
    }
  }
  // RFC 5819 2: each STATUS right after its LIST; interleave.
  if (command.returns.status) {
    session.untaggedMany(responses.flatMap((r, i) => (statuses[i].length > 0 ? [r, statuses[i]] : [r])));
  } else {
    session.untaggedMany(responses);
  }
}

function order(mailbox: ImapMailbox): number {
  return mailbox.name === 'INBOX' ? 0 : 1;
}

/** RFC 3501 6.3.9 LSUB (deprecated by RFC 9051, still used by older clients). */
export async function lsub(session: ImapSession, _tag: string, command: Of<'LSUB'>): Promise<void> {
  const utf8 = session.utf8;
  const match = listMatcher(decodeName(command.reference, utf8), decodeName(command.pattern, utf8));
  const mailboxes = await session.store.listMailboxes(session.accountId);
  session.untaggedMany(
    mailboxes
      .filter((m) => m.subscribed && match(m.name))
      .map((m) => [atom('LSUB'), m.specialUse ? [atom(m.specialUse)] : [], '/', astring(encodeName(m.name, utf8))]),
  );
}
