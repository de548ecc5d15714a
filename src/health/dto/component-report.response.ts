import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import type { CacheKeyCounts, RedisMemory } from '#src/infra/cache/cache-usage.js';
import type { CacheHitCounts, HitCount } from '#src/infra/cache/hit-counts.js';
import type { CacheReport, ComponentReport, PostgresReport, SessionsReport } from '../health-components.service.js';

@ApiSchema({ name: 'ComponentReport', description: 'One component of /health/*: 200 when up, 503 when down' })
export class ComponentReportResponse implements ComponentReport {
  @ApiProperty({ enum: ['up', 'down'] })
  status!: 'up' | 'down';

  @ApiProperty({ description: 'Round trip of the check, in milliseconds (at most HEALTH_CHECK_TIMEOUT_MS)' })
  latencyMs!: number;

  @ApiPropertyOptional({ enum: ['timeout', 'unavailable'], description: 'Why it is down' })
  error?: 'timeout' | 'unavailable';
}

class PoolStatsResponse {
  @ApiProperty({ description: 'Open connections' })
  total!: number;

  @ApiProperty({ description: 'Open connections not in use' })
  idle!: number;

  @ApiProperty({ description: 'Queries waiting for a connection (the pool is full)' })
  waiting!: number;
}

@ApiSchema({ name: 'PostgresReport' })
export class PostgresReportResponse extends ComponentReportResponse implements PostgresReport {
  @ApiProperty({ type: PoolStatsResponse })
  pool!: PoolStatsResponse;
}

class HitCountResponse implements HitCount {
  @ApiProperty()
  hits!: number;

  @ApiProperty()
  misses!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'hits / (hits + misses); null before any lookup' })
  hitRatio!: number | null;
}

@ApiSchema({ name: 'CacheHitCounts' })
class CacheHitCountsResponse implements CacheHitCounts {
  @ApiProperty({ type: HitCountResponse, description: 'Since this instance started' })
  sinceStart!: HitCountResponse;

  @ApiProperty({ type: HitCountResponse, description: 'Over the last 50 to 60 seconds' })
  lastMinute!: HitCountResponse;
}

class CacheKeyCountsResponse implements CacheKeyCounts {
  @ApiProperty({ description: 'Keys in the Redis database (DBSIZE; summed over a Cluster)' })
  totalKeys!: number;

  @ApiProperty({ description: 'Keys a bounded SCAN looked at (at most 2,000 per server)' })
  sampledKeys!: number;

  @ApiProperty({ description: 'SCAN saw every key: the counts are exact, not estimates from the sample' })
  complete!: boolean;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Keys per cache name, counted or estimated from their share of the sample',
    example: { 'conversation-list': 120, 'latest-messages': 340 },
  })
  byCache!: Record<string, number>;

  @ApiProperty({ description: 'Keys of no cache: sessions, revoked tokens, limits, presence...' })
  other!: number;
}

class RedisMemoryResponse implements RedisMemory {
  @ApiProperty({ description: 'used_memory, summed over a Cluster' })
  usedBytes!: number;

  @ApiProperty({ description: 'maxmemory; 0 when Redis has no limit' })
  maxBytes!: number;

  @ApiProperty({ example: 'noeviction', description: 'maxmemory-policy' })
  policy!: string;

  @ApiProperty({ description: 'evicted_keys since Redis started' })
  evictedKeys!: number;
}

@ApiSchema({ name: 'CacheReport' })
export class CacheReportResponse extends ComponentReportResponse implements CacheReport {
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(CacheHitCountsResponse) },
    description: "This instance's lookups per cache name",
  })
  caches!: Record<string, CacheHitCountsResponse>;

  @ApiProperty({ type: CacheKeyCountsResponse, nullable: true, description: 'null when Redis does not answer' })
  keys!: CacheKeyCountsResponse | null;

  @ApiProperty({ type: RedisMemoryResponse, nullable: true, description: 'null when Redis does not answer' })
  memory!: RedisMemoryResponse | null;
}

@ApiSchema({ name: 'SessionsReport' })
export class SessionsReportResponse extends ComponentReportResponse implements SessionsReport {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Sessions neither revoked nor expired; null when PostgreSQL does not answer',
  })
  activeSessions!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Users with a socket on any live instance; null when Redis does not answer',
  })
  onlineUsers!: number | null;
}

/** Referenced from `caches` by $ref only: the document must list it. */
export const HEALTH_EXTRA_MODELS = [CacheHitCountsResponse];
