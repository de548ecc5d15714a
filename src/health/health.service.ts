import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { serviceUnavailable } from '#src/common/errors/common.errors.js';
import { AppLifecycle } from './app-lifecycle.service.js';
import { DependencyChecks, type Dependency } from './dependency-checks.service.js';

export type ComponentStatus = 'up' | 'degraded' | 'down';

export interface ComponentHealth {
  status: ComponentStatus;
  latencyMs?: number;
  error?: string;
  phase?: string;
}

export interface HealthOverview {
  status: 'ok' | 'degraded' | 'down';
  uptimeSeconds: number;
  components: Record<string, ComponentHealth>;
}

/**
 * Readiness: this instance is serving (not starting, not draining) and Postgres answers. Redis is
 * left out on purpose: an outage of a dependency every instance shares would pull all of them out
 * of the load balancer at once, while they can still serve from Postgres. `/health` reports it.
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dependencies: DependencyChecks,
    private readonly lifecycle: AppLifecycle,
  ) {}

  async readiness(): Promise<HealthCheckResult> {
    const result = await this.run([() => this.instance(), () => this.dependency('postgres', 'down')]);
    if (result.status === 'ok') return result;
    const details = Object.entries(result.error ?? {}).map(([field, value]) => {
      const { error, phase } = value as { error?: string; phase?: string };
      return { field, message: String(error ?? phase) };
    });
    throw serviceUnavailable('This instance is not ready to serve', details);
  }

  async overview(): Promise<HealthOverview> {
    const result = await this.run([
      () => this.instance(),
      () => this.dependency('postgres', 'down'),
      () => this.dependency('redis', 'degraded'),
    ]);
    const status = result.status === 'error' || result.status === 'shutting_down' ? 'down' : result.status;
    return { status, uptimeSeconds: Math.round(process.uptime()), components: result.details };
  }

  /** Terminus throws its result when a check is down; both routes want the result either way. */
  private async run(
    checks: (() => Promise<HealthIndicatorResult> | HealthIndicatorResult)[],
  ): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      return error.getResponse() as HealthCheckResult;
    }
  }

  private instance(): HealthIndicatorResult {
    const session = this.indicators.check('instance');
    const phase = this.lifecycle.current;
    return phase === 'serving' ? session.up({ phase }) : session.down({ phase });
  }

  /** `onFailure` is what an outage of this dependency means for the instance. */
  private async dependency(name: Dependency, onFailure: 'down' | 'degraded'): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(name);
    const { up, latencyMs, error } = await this.dependencies.check(name);
    if (up) return session.up({ latencyMs });
    return onFailure === 'down' ? session.down({ latencyMs, error }) : session.degraded({ latencyMs, error });
  }
}
