import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Redis } from 'ioredis';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';
import { probe, type ProbeResult } from './dependency-probe.js';

export type Dependency = 'postgres' | 'redis';

/** Round-trips to each dependency, bounded by HEALTH_CHECK_TIMEOUT_MS. */
@Injectable()
export class DependencyChecks {
  private readonly timeoutMs: number;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: Redis,
    config: ConfigService<AppConfig, true>,
  ) {
    this.timeoutMs = config.get('HEALTH_CHECK_TIMEOUT_MS', { infer: true });
  }

  check(dependency: Dependency): Promise<ProbeResult> {
    const roundTrip = dependency === 'postgres' ? () => this.prisma.ping() : () => this.redis.ping();
    return probe(roundTrip, this.timeoutMs);
  }
}
