import { Inject, Injectable } from '@nestjs/common';
import type { WebhookDelivery } from '@postern/db';
import { Logger, ROOT_LOGGER } from '@postern/observability';
import { JobName, QueueName, Queues, webhookJobId } from '@postern/queue';

/** Delivery rows → BullMQ jobs (ids per attempt, so adding twice makes one job). */
@Injectable()
export class WebhookScheduler {
  constructor(
    @Inject(Queues) private readonly queues: Queues,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async enqueue(deliveries: readonly Pick<WebhookDelivery, 'id' | 'attempts' | 'nextAttemptAt'>[]): Promise<void> {
    if (deliveries.length === 0) return;
    const now = Date.now();
    try {
      await this.queues.get(QueueName.Webhooks).addBulk(
        deliveries.map((d) => ({
          name: JobName.WebhookDeliver,
          data: { deliveryId: d.id },
          opts: {
            jobId: webhookJobId(d.id, d.attempts),
            delay: Math.max(0, d.nextAttemptAt.getTime() - now),
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
    } catch (err) {
      this.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'webhook enqueue failed; the fan-out job re-enqueues due deliveries',
      );
    }
  }
}
