/**
 * Suppression and first-time-recipient lookups match addresses case-insensitively and
 * without the `+tag` part, so `Bob+news@Example.org` and `bob@example.org` are one person.
 */
export function addressKey(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at).toLowerCase();
  const domain = address.slice(at + 1).toLowerCase();
  const plus = local.indexOf('+');
  return `${plus > 0 ? local.slice(0, plus) : local}@${domain}`;
}

/** The key that suppresses a whole domain. */
export function domainKey(domain: string): string {
  return `*@${domain.toLowerCase()}`;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
