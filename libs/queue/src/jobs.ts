/**
 * Every queue and job name, and each job's payload type, in one place. The worker checks
 * at boot that each job name has exactly one handler.
 */
export enum QueueName {
  Maintenance = 'maintenance',
  Delivery = 'delivery',
  Webhooks = 'webhooks',
}

export enum JobName {
  /** Proves the worker loop end to end: records that a worker processed a job just now. */
  Heartbeat = 'maintenance.heartbeat',
  /** Delivers a queued recipient, together with the other due recipients of its message at the same domain. */
  Deliver = 'delivery.deliver',
  /** Re-enqueues due recipients whose job was lost (Redis flushed, worker killed). */
  ReconcileQueue = 'delivery.reconcile',
  /** Deletes history, events and keys past their retention. */
  Retention = 'maintenance.retention',
  /** Creates webhook deliveries for new events (scheduled every second). */
  WebhookFanout = 'webhooks.fanout',
  /** POSTs one webhook delivery. */
  WebhookDeliver = 'webhooks.deliver',
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.Heartbeat]: QueueName.Maintenance,
  [JobName.Deliver]: QueueName.Delivery,
  [JobName.ReconcileQueue]: QueueName.Maintenance,
  [JobName.Retention]: QueueName.Maintenance,
  [JobName.WebhookFanout]: QueueName.Webhooks,
  [JobName.WebhookDeliver]: QueueName.Webhooks,
};

export interface JobPayloads {
  [JobName.Heartbeat]: { requestedBy: string };
  [JobName.Deliver]: { recipientId: string };
  [JobName.ReconcileQueue]: Record<string, never>;
  [JobName.Retention]: Record<string, never>;
  [JobName.WebhookFanout]: Record<string, never>;
  [JobName.WebhookDeliver]: { deliveryId: string };
}

/** Job id of one attempt of one webhook delivery. */
export function webhookJobId(deliveryId: string, attempts: number): string {
  return `webhook:${deliveryId}:${attempts}`;
}

/**
 * Job id of one delivery attempt of one recipient: adding it again while it waits is a
 * no-op, and the next attempt gets a new id.
 */
export function deliverJobId(recipientId: string, attempts: number): string {
  return `deliver:${recipientId}:${attempts}`;
}

/** Checks that the handlers cover every job name exactly once; throws naming the problems. */
export function checkJobHandlers(handled: readonly string[], jobNames: readonly string[] = Object.values(JobName)): void {
  const problems: string[] = [];
  for (const name of jobNames) {
    const count = handled.filter((h) => h === name).length;
    if (count === 0) problems.push(`no handler for job '${name}'`);
    if (count > 1) problems.push(`${count} handlers for job '${name}'`);
  }
  for (const name of new Set(handled)) {
    if (!jobNames.includes(name)) problems.push(`handler for unknown job '${name}'`);
  }
  if (problems.length > 0) throw new Error(`Job handlers do not match the job names: ${problems.join('; ')}`);
}

/** Redis key where workers record their last heartbeat. */
export function heartbeatKey(prefix: string): string {
  return `${prefix}:worker:heartbeat`;
}
