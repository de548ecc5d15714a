import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import type { PushOutcome, PushPlatform } from './push-provider.js';

/** Sends per provider and outcome, and how long they took; no user or device labels, to bound cardinality. */
@Injectable()
export class PushMetrics {
  private readonly sends: Counter<'provider' | 'outcome'>;
  private readonly duration: Histogram<'provider'>;

  constructor(metrics: MetricsService) {
    this.sends = new Counter({
      name: 'push_sends_total',
      help: 'Pushes sent, by provider (webpush | fcm | apns) and outcome (delivered | gone | retry | rejected)',
      labelNames: ['provider', 'outcome'] as const,
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'push_send_duration_seconds',
      help: 'Time of each push send, retries within it included, by provider',
      labelNames: ['provider'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
      registers: [metrics.registry],
    });
  }

  /** Starts timing one send; call the returned function with its outcome. */
  started(provider: PushPlatform): (outcome: PushOutcome) => void {
    const stop = this.duration.startTimer({ provider });
    return (outcome) => {
      stop();
      this.sends.inc({ provider, outcome: outcome.status });
    };
  }
}
