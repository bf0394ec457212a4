import { RecipientOutcome, outcomeOf } from './outcome';

const SIMULATOR = { host: 'local-simulator', ip: null, tlsVersion: null };

/**
 * Local mode's outbound "network": nothing leaves the machine, and the recipient's local
 * part picks the outcome, so an integrator can see every webhook without a mail server:
 * `permerror` → 550 5.1.1, `temperror` → 451 4.3.0 on every attempt, a three-digit code such
 * as `552` → that code, `timeout` → a stalled server (a temporary failure after `stallMs`),
 * anything else → accepted.
 */
export async function simulateLocalDelivery(recipients: string[], stallMs = 2000): Promise<RecipientOutcome[]> {
  const locals = recipients.map((r) => r.slice(0, r.lastIndexOf('@')).toLowerCase().split('+')[0]);
  if (locals.includes('timeout')) await new Promise((resolve) => setTimeout(resolve, stallMs));
  return recipients.map((address, i) => {
    const local = locals[i];
    if (local === 'permerror') return outcomeOf(address, 550, '5.1.1', 'no such user (simulated: permerror)', SIMULATOR);
    if (local === 'temperror') return outcomeOf(address, 451, '4.3.0', 'temporary failure (simulated: temperror)', SIMULATOR);
    if (local === 'timeout') {
      return { ...outcomeOf(address, 451, '4.4.2', 'the server stopped answering (simulated: timeout)', SIMULATOR), code: null };
    }
    if (/^[245]\d\d$/.test(local)) {
      const code = Number(local);
      return outcomeOf(address, code, `${local[0]}.0.0`, `simulated reply ${code}`, SIMULATOR);
    }
    return outcomeOf(address, 250, '2.0.0', 'accepted (simulated local delivery)', SIMULATOR);
  });
}
