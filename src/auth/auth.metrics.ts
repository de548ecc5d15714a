import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';

@Injectable()
export class AuthMetrics {
  private readonly logins: Counter<'result'>;
  private readonly reuse: Counter;

  constructor(metrics: MetricsService) {
    this.logins = new Counter({
      name: 'auth_logins_total',
      help: 'Sign-in attempts by result: success, failure (wrong credentials) or limited (429)',
      labelNames: ['result'] as const,
      registers: [metrics.registry],
    });
    this.reuse = new Counter({
      name: 'auth_refresh_reuse_total',
      help: 'Refresh tokens presented after they were used: each revoked its session',
      registers: [metrics.registry],
    });
  }

  login(result: 'success' | 'failure' | 'limited'): void {
    this.logins.inc({ result });
  }

  refreshReused(): void {
    this.reuse.inc();
  }
}
