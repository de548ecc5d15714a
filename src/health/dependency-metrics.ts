import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import { DependencyChecks, type Dependency } from './dependency-checks.service.js';
import type { ProbeResult } from './dependency-probe.js';

const DEPENDENCIES: Dependency[] = ['postgres', 'redis'];

/** `dependency_up` and `dependency_latency_seconds`, measured when Prometheus scrapes. */
@Injectable()
export class DependencyMetrics implements OnModuleInit {
  /** One round of probes per scrape, shared by both gauges. */
  private inFlight?: Promise<ProbeResult[]>;

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
    gauge('dependency_up', '1 when the dependency answered its probe at scrape time, else 0', (r) => (r.up ? 1 : 0));
    gauge(
      'dependency_latency_seconds',
      'Round-trip time of the probe (PING, SELECT 1) at scrape time',
      (r) => r.latencyMs / 1000,
    );
  }

  private measure(): Promise<ProbeResult[]> {
    this.inFlight ??= Promise.all(DEPENDENCIES.map((name) => this.dependencies.check(name))).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }
}
