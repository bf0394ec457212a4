import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { uuidv7 } from '../ids';
import type { MailEventType } from './mail-event.entity';

/** A signing secret (`whsec_` + base64 of 32 bytes); a rotated-out one keeps signing until `expiresAt`. */
export interface WebhookSecret {
  secret: string;
  createdAt: string;
  expiresAt: string | null;
}

/** Where an account's events are POSTed, signed per Standard Webhooks. */
@Entity('webhook_endpoints')
@Index('webhook_endpoints_account', ['accountId', 'id'])
export class WebhookEndpoint {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  accountId!: string;

  @Column('text')
  url!: string;

  /** Event types delivered; null: all. */
  @Column('text', { array: true, nullable: true })
  events!: MailEventType[] | null;

  @Column('text', { nullable: true })
  description!: string | null;

  @Column('boolean', { default: true })
  enabled!: boolean;

  /** Why it was disabled automatically (a 410 from the receiver), if it was. */
  @Column('text', { nullable: true })
  disabledReason!: string | null;

  @Column('jsonb')
  secrets!: WebhookSecret[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'superseded' | 'canceled';

/** One event to one endpoint; exists before its job, and keeps every attempt. */
@Entity('webhook_deliveries')
@Index('webhook_deliveries_endpoint', ['endpointId', 'id'])
@Index('webhook_deliveries_account', ['accountId', 'id'])
@Index('webhook_deliveries_event_endpoint', ['eventId', 'endpointId'], { unique: true })
@Index('webhook_deliveries_due', ['nextAttemptAt'], { where: "status = 'pending'" })
export class WebhookDelivery {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  accountId!: string;

  @Column('uuid')
  endpointId!: string;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id' })
  endpoint?: WebhookEndpoint;

  @Column('uuid')
  eventId!: string;

  @Column('text')
  eventType!: MailEventType;

  /** For superseding: a newer event for the same recipient retires an undelivered older one. */
  @Column('uuid', { nullable: true })
  recipientId!: string | null;

  @Column('text')
  status!: WebhookDeliveryStatus;

  @Column('integer', { default: 0 })
  attempts!: number;

  @Column('timestamptz')
  nextAttemptAt!: Date;

  @Column('integer', { nullable: true })
  lastStatus!: number | null;

  @Column('timestamptz', { nullable: true })
  completedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** One HTTP attempt of a webhook delivery. */
@Entity('webhook_attempts')
@Index('webhook_attempts_delivery', ['deliveryId', 'number'])
export class WebhookAttempt {
  @PrimaryColumn('uuid')
  id: string = uuidv7();

  @Column('uuid')
  deliveryId!: string;

  @ManyToOne(() => WebhookDelivery, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id' })
  delivery?: WebhookDelivery;

  @Column('integer')
  number!: number;

  @Column('timestamptz')
  startedAt!: Date;

  @Column('integer')
  durationMs!: number;

  /** HTTP status; null when no response arrived. */
  @Column('integer', { nullable: true })
  status!: number | null;

  @Column('text', { nullable: true })
  error!: string | null;

  /** The first 1 KB of the response body. */
  @Column('text', { nullable: true })
  response!: string | null;
}
