import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, with the default Node metrics, shared by every app in it. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly messagesAccepted: Counter<'source'>;
  readonly deliveryAttempts: Counter<'outcome'>;
  readonly deliveryDuration: Histogram<'outcome'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'postern_' });
    this.httpRequestDuration = new Histogram({
      name: 'postern_http_request_duration_seconds',
      help: 'Duration of HTTP requests by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.messagesAccepted = new Counter({
      name: 'postern_messages_accepted_total',
      help: 'Messages accepted for sending, by source (api, raw, submission, dsn)',
      labelNames: ['source'],
      registers: [this.registry],
    });
    this.deliveryAttempts = new Counter({
      name: 'postern_delivery_attempts_total',
      help: 'Recipient delivery attempts by outcome (delivered, temporary, permanent)',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.deliveryDuration = new Histogram({
      name: 'postern_delivery_duration_seconds',
      help: 'Duration of one delivery run (one message to one domain), by the outcome of its first recipient',
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [this.registry],
    });
  }
}
