import { bad } from '../errors';
import { Completion, ImapSession } from '../session';

/** RFC 2177 IDLE: changes are sent as they happen until the client's DONE. */
export async function idle(session: ImapSession): Promise<Completion> {
  session.write(Buffer.from('+ idling\r\n'));
  await session.flushUpdates(true, true);
  const line = session.nextLine();
  for (;;) {
    const woke = await Promise.race([line.then((l) => ({ line: l })), session.waitForNotice().then(() => null)]);
    if (woke === null) {
      await session.flushUpdates(true);
      continue;
    }
    if (woke.line === null) return {};
    if (woke.line.toString('latin1').toUpperCase() !== 'DONE') throw bad('expected DONE');
    return { text: 'IDLE terminated' };
  }
}
