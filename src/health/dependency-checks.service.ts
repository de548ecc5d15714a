import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { configSlice } from '#src/infra/config/config-slice.js';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { REDIS, REDIS_SUBSCRIBER } from '#src/infra/redis/redis.tokens.js';
import { probe, type ProbeResult } from './dependency-probe.js';
import { PubSubProbe } from './pubsub-probe.js';

/** `pubsub`: a publish → subscribe round trip through the Socket.IO adapter's clients (PubSubProbe). */
export type Dependency = 'postgres' | 'redis' | 'pubsub';

export const DEPENDENCIES: Dependency[] = ['postgres', 'redis', 'pubsub'];

/**
 * A probe's result answers every health call of the next second: anonymous callers flooding
 * `/health` or `/health/metrics` cost each dependency at most about one probe a second.
 */
const RESULT_REUSE_MS = 1000;

/** A probe sent (or under way): `up` is set once it has answered. */
interface Probe {
  startedAt: number;
  result: Promise<ProbeResult>;
  up?: boolean;
}

export class HealthCheckSettings extends configSlice('HEALTH_CHECK_TIMEOUT_MS') {}

/**
 * Round-trips to each dependency, bounded by HEALTH_CHECK_TIMEOUT_MS, shared by the health calls of
 * the same second. A result the client contradicts (a connection lost, or one opened again) is
 * dropped at once, so readiness follows what the service has noticed without waiting out the second.
 */
@Injectable()
export class DependencyChecks {
  private readonly logger = new Logger(DependencyChecks.name);
  private readonly timeoutMs: number;
  private readonly latest = new Map<Dependency, Probe>();
  /** The last failure logged per dependency, so an outage is logged once, not on every probe. */
  private readonly logged = new Map<Dependency, string>();
  private readonly probes: Counter<'dependency'>;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) subscriber: Redis,
    private readonly pubsub: PubSubProbe,
    metrics: MetricsService,
    settings: HealthCheckSettings,
  ) {
    this.timeoutMs = settings.HEALTH_CHECK_TIMEOUT_MS;
    this.probes = new Counter({
      name: 'dependency_probes_total',
      help: 'Probes (SELECT 1, PING, a pub/sub round trip) sent to each dependency by the health endpoints and metrics',
      labelNames: ['dependency'] as const,
      registers: [metrics.registry],
    });
    // Each series exists from the start, so a rate over the first probes is right.
    for (const dependency of DEPENDENCIES) this.probes.inc({ dependency }, 0);
    prisma.watchConnections((event) => this.forgetUnless('postgres', event === 'opened'));
    redis.on('error', () => this.forgetUnless('redis', false));
    redis.on('close', () => this.forgetUnless('redis', false));
    redis.on('ready', () => this.forgetUnless('redis', true));
    subscriber.on('close', () => this.forgetUnless('pubsub', false));
    subscriber.on('ready', () => this.forgetUnless('pubsub', true));
  }

  check(dependency: Dependency): Promise<ProbeResult> {
    const latest = this.latest.get(dependency);
    if (latest && performance.now() - latest.startedAt < RESULT_REUSE_MS) return latest.result;
    const probe: Probe = { startedAt: performance.now(), result: this.probe(dependency) };
    void probe.result.then((result) => (probe.up = result.up));
    this.latest.set(dependency, probe);
    return probe.result;
  }

  /** The client saw the dependency go (`up` false) or come back: a finished probe saying otherwise is outdated. */
  private forgetUnless(dependency: Dependency, up: boolean): void {
    const latest = this.latest.get(dependency);
    if (latest?.up !== undefined && latest.up !== up) this.latest.delete(dependency);
  }

  private async probe(dependency: Dependency): Promise<ProbeResult> {
    this.probes.inc({ dependency });
    const roundTrip = {
      postgres: () => this.prisma.ping(),
      redis: () => this.redis.ping(),
      pubsub: () => this.pubsub.roundTrip(this.timeoutMs),
    }[dependency];
    const result = await probe(roundTrip, this.timeoutMs);
    const previous = this.logged.get(dependency);
    if (result.cause && result.cause !== previous) {
      this.logger.warn(`${dependency} health probe failed: ${result.cause}`);
      this.logged.set(dependency, result.cause);
    } else if (result.up && previous) {
      this.logger.log(`${dependency} health probe answered again`);
      this.logged.delete(dependency);
    }
    return result;
  }
}
