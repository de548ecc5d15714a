import { Injectable } from '@nestjs/common';
import { SessionsService } from '#src/auth/sessions.service.js';
import { CacheUsage, type CacheKeyCounts, type RedisMemory } from '#src/infra/cache/cache-usage.js';
import { CacheMetrics } from '#src/infra/cache/cache.metrics.js';
import type { CacheHitCounts } from '#src/infra/cache/hit-counts.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { PresenceService } from '#src/presence/presence.service.js';
import { DependencyChecks, HealthCheckSettings, type Dependency } from './dependency-checks.service.js';
import { probe, type ProbeResult } from './dependency-probe.js';

export interface ComponentReport {
  status: 'up' | 'down';
  latencyMs: number;
  /** Why it is down, without hosts or driver messages. */
  error?: 'timeout' | 'unavailable';
}

export interface PostgresReport extends ComponentReport {
  pool: { total: number; idle: number; waiting: number };
}

export interface CacheReport extends ComponentReport {
  caches: Record<string, CacheHitCounts>;
  keys: CacheKeyCounts | null;
  memory: RedisMemory | null;
}

export interface SessionsReport extends ComponentReport {
  activeSessions: number | null;
  onlineUsers: number | null;
}

/** The cache and sessions reports read many keys or rows: each instance builds one at most this often. */
const REPORT_REUSE_MS = 2000;

const report = (result: ProbeResult): ComponentReport => ({
  status: result.up ? 'up' : 'down',
  latencyMs: result.latencyMs,
  ...(result.error ? { error: result.error } : {}),
});

/**
 * The components of `/health/*` one by one, for operators: none is part of readiness. The
 * dependency reports reuse the shared probes (DependencyChecks); the cache and sessions reports
 * are bounded by the health check timeout and reused for two seconds.
 */
@Injectable()
export class HealthComponents {
  private readonly timeoutMs: number;
  private readonly reports = new Map<string, { at: number; report: Promise<unknown> }>();

  constructor(
    private readonly dependencies: DependencyChecks,
    private readonly prisma: PrismaService,
    private readonly cacheMetrics: CacheMetrics,
    private readonly cacheUsage: CacheUsage,
    private readonly sessionStore: SessionsService,
    private readonly presence: PresenceService,
    settings: HealthCheckSettings,
  ) {
    this.timeoutMs = settings.HEALTH_CHECK_TIMEOUT_MS;
  }

  async postgres(): Promise<PostgresReport> {
    return { ...(await this.dependency('postgres')), pool: this.prisma.poolStats() };
  }

  dependency(name: Dependency): Promise<ComponentReport> {
    return this.dependencies.check(name).then(report);
  }

  cache(): Promise<CacheReport> {
    return this.reused('cache', async () => {
      let usage: { keys: CacheKeyCounts; memory: RedisMemory } | undefined;
      const result = await probe(async () => {
        const [keys, memory] = await Promise.all([this.cacheUsage.keys(), this.cacheUsage.memory()]);
        usage = { keys, memory };
      }, this.timeoutMs);
      return {
        ...report(result),
        caches: this.cacheMetrics.hitCounts(),
        keys: usage?.keys ?? null,
        memory: usage?.memory ?? null,
      };
    });
  }

  sessions(): Promise<SessionsReport> {
    return this.reused('sessions', async () => {
      let activeSessions: number | null = null;
      let onlineUsers: number | null = null;
      const [fromPostgres, fromRedis] = await Promise.all([
        probe(async () => (activeSessions = await this.sessionStore.countActive()), this.timeoutMs),
        probe(async () => (onlineUsers = await this.presence.onlineUsers()), this.timeoutMs),
      ]);
      const failed = [fromPostgres, fromRedis].find((result) => !result.up);
      return {
        ...report(failed ?? { up: true, latencyMs: Math.max(fromPostgres.latencyMs, fromRedis.latencyMs) }),
        activeSessions,
        onlineUsers,
      };
    });
  }

  private reused<T>(name: string, build: () => Promise<T>): Promise<T> {
    const latest = this.reports.get(name);
    if (latest && performance.now() - latest.at < REPORT_REUSE_MS) return latest.report as Promise<T>;
    const built = build();
    this.reports.set(name, { at: performance.now(), report: built });
    return built;
  }
}
