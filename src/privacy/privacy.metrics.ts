import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';

/** How a retention check ended on this instance: it ran the period's run, or another instance had it. */
export type RetentionOutcome = 'ran' | 'skipped';

@Injectable()
export class PrivacyMetrics {
  private readonly retentionRuns: Counter<'result'>;
  private readonly erased: Counter<'reason'>;

  constructor(metrics: MetricsService) {
    this.retentionRuns = new Counter({
      name: 'message_retention_runs_total',
      help: 'Retention checks on this instance: ran (it claimed the period and finished it) or skipped (taken)',
      labelNames: ['result'] as const,
      registers: [metrics.registry],
    });
    this.erased = new Counter({
      name: 'messages_erased_total',
      help: 'Messages tombstoned in bulk on this instance, by reason (retention | account_erasure)',
      labelNames: ['reason'] as const,
      registers: [metrics.registry],
    });
  }

  retentionChecked(result: RetentionOutcome): void {
    this.retentionRuns.inc({ result });
  }

  messagesErased(reason: 'retention' | 'account_erasure', count: number): void {
    if (count > 0) this.erased.inc({ reason }, count);
  }
}
