import { createHmac, randomBytes } from 'node:crypto';
import type { WebhookSecret } from '@postern/db';

/** Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Standard Webhooks signature header: `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`
 * for each secret still signing, separated by spaces; the key is the base64 after `whsec_`.
 */
export function signWebhook(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
      return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
    })
    .join(' ');
}

/** Secrets that still sign at `now`: the current one and rotated-out ones inside their overlap. */
export function activeSecrets(secrets: readonly WebhookSecret[], now: Date = new Date()): string[] {
  return secrets.filter((s) => s.expiresAt === null || new Date(s.expiresAt) > now).map((s) => s.secret);
}
