import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import { DEPENDENCIES, DependencyChecks } from './dependency-checks.service.js';
import type { ProbeResult } from './dependency-probe.js';

/** `dependency_up` and `dependency_latency_seconds`, as of the latest probe when Prometheus scrapes. */
@Injectable()
export class DependencyMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly dependencies: DependencyChecks,
  ) {}

  onModuleInit(): void {
    const measure = () => this.measure();
    const gauge = (name: string, help: string, value: (result: ProbeResult) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['dependency'] as const,
        registers: [this.metrics.registry],
        async collect() {
          const results = await measure();
          DEPENDENCIES.forEach((dependency, index) => this.set({ dependency }, value(results[index])));
        },
      });
    gauge(
      'dependency_up',
      '1 when the dependency answered its latest probe (at most about a second old), else 0',
      (r) => (r.up ? 1 : 0),
    );
    gauge(
      'dependency_latency_seconds',
      'Round-trip time of the latest probe (SELECT 1, PING, a publish-subscribe round trip)',
      (r) => r.latencyMs / 1000,
    );
  }

  /** Both gauges of a scrape share one round of probes (the checks reuse a result for a second). */
  private measure(): Promise<ProbeResult[]> {
    return Promise.all(DEPENDENCIES.map((name) => this.dependencies.check(name)));
  }
}
