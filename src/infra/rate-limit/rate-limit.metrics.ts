import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';

@Injectable()
export class RateLimitMetrics {
  private readonly rejections: Counter<'route' | 'limit'>;

  constructor(metrics: MetricsService) {
    this.rejections = new Counter({
      name: 'rate_limit_rejections_total',
      help: 'Requests answered 429, by route template and limit name',
      labelNames: ['route', 'limit'] as const,
      registers: [metrics.registry],
    });
  }

  rejected(route: string, limit: string): void {
    this.rejections.inc({ route, limit });
  }
}
