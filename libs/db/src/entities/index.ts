import { Account } from './account.entity';
import { AccountCredential } from './account-credential.entity';
import { AccountTlsKey } from './account-tls-key.entity';
import { Address } from './address.entity';
import { Alias } from './alias.entity';
import { AliasMember } from './alias-member.entity';
import { ApiKey } from './api-key.entity';
import { DeliveryAttempt } from './delivery-attempt.entity';
import { DkimKey } from './dkim-key.entity';
import { Domain } from './domain.entity';
import { HoldRule } from './hold-rule.entity';
import { MailEvent } from './mail-event.entity';
import { Mailbox } from './mailbox.entity';
import { MailboxMessage, MailboxTombstone } from './mailbox-message.entity';
import { MessageBlob } from './message-blob.entity';
import { OutboundMessage } from './outbound-message.entity';
import { QueuedRecipient } from './queued-recipient.entity';
import { AccountRecipient, IdempotencyKey, SendCounter } from './send-tracking.entity';
import { Suppression } from './suppression.entity';
import { Route } from './route.entity';
import { Transport } from './transport.entity';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook.entity';

export {
  Account,
  AccountCredential,
  AccountTlsKey,
  AccountRecipient,
  Address,
  Alias,
  AliasMember,
  ApiKey,
  DeliveryAttempt,
  DkimKey,
  Domain,
  HoldRule,
  IdempotencyKey,
  MailEvent,
  Mailbox,
  MailboxMessage,
  MailboxTombstone,
  MessageBlob,
  OutboundMessage,
  QueuedRecipient,
  Route,
  SendCounter,
  Suppression,
  Transport,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
};
export type { DkimAlgorithm } from './dkim-key.entity';
export type { ApiKeyScope } from './api-key.entity';
export type { OutboundSource } from './outbound-message.entity';
export type { RecipientStatus } from './queued-recipient.entity';
export { WAITING_STATUSES } from './queued-recipient.entity';
export type { AttemptOutcome } from './delivery-attempt.entity';
export type { MailEventType } from './mail-event.entity';
export type { SuppressionReason } from './suppression.entity';
export type { TransportKind } from './transport.entity';
export type { WebhookDeliveryStatus, WebhookSecret } from './webhook.entity';

export const ENTITIES = [
  Account,
  AccountCredential,
  AccountTlsKey,
  Domain,
  DkimKey,
  Address,
  Alias,
  AliasMember,
  ApiKey,
  MessageBlob,
  OutboundMessage,
  QueuedRecipient,
  DeliveryAttempt,
  MailEvent,
  Suppression,
  SendCounter,
  AccountRecipient,
  IdempotencyKey,
  HoldRule,
  Transport,
  Route,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookAttempt,
  Mailbox,
  MailboxMessage,
  MailboxTombstone,
];
