import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';

/**
 * `notifications`: events fanned out into notifications and pushes; `push`: pushes sent to devices;
 * `webhooks`: events sent to webhooks.
 */
export type OutboxQueue = 'notifications' | 'push' | 'webhooks';

/** How an attempt at a row ended. */
export type AttemptResult = 'done' | 'retry' | 'given_up';

@Injectable()
export class OutboxMetrics {
  private readonly lag: Histogram<'queue'>;
  private readonly oldest: Gauge<'queue'>;
  private readonly attempts: Counter<'queue' | 'result'>;

  constructor(metrics: MetricsService) {
    this.lag = new Histogram({
      name: 'outbox_lag_seconds',
      help: 'From the write that stored a row to its work being done, by queue',
      labelNames: ['queue'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers: [metrics.registry],
    });
    this.oldest = new Gauge({
      name: 'outbox_oldest_age_seconds',
      help: 'Age of the oldest row still waiting, by queue (0 when none); the same on every instance',
      labelNames: ['queue'] as const,
      registers: [metrics.registry],
    });
    this.attempts = new Counter({
      name: 'outbox_attempts_total',
      help: 'Attempts at outbox rows, by queue and result (done, retry later, given up)',
      labelNames: ['queue', 'result'] as const,
      registers: [metrics.registry],
    });
  }

  attempted(queue: OutboxQueue, result: AttemptResult, createdAt?: Date): void {
    this.attempts.inc({ queue, result });
    if (result === 'done' && createdAt) this.lag.observe({ queue }, (Date.now() - createdAt.getTime()) / 1000);
  }

  oldestAge(queue: OutboxQueue, seconds: number): void {
    this.oldest.set({ queue }, seconds);
  }
}
