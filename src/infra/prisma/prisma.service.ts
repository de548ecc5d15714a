import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { configSlice } from '#src/infra/config/config-slice.js';
import { PrismaClient } from '#src/generated/prisma/client.js';

export class DatabaseSettings extends configSlice('DATABASE_URL', 'DATABASE_POOL_MAX', 'DATABASE_CONNECT_TIMEOUT_MS') {}

/**
 * The one Prisma client of the process, on a bounded pg pool. Connecting fails after
 * DATABASE_CONNECT_TIMEOUT_MS, so requests answer 503 quickly while Postgres is unreachable.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  private readonly logger = new Logger(PrismaService.name);
  private readonly pool: pg.Pool;

  constructor(settings: DatabaseSettings) {
    const pool = new pg.Pool({
      connectionString: settings.DATABASE_URL,
      max: settings.DATABASE_POOL_MAX,
      connectionTimeoutMillis: settings.DATABASE_CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
    });
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
    pool.on('error', (error) => this.logger.warn(`idle PostgreSQL connection failed: ${error.message}`));
  }

  /** Tells `listener` when a pooled connection is lost while idle, and when a new one is opened. */
  watchConnections(listener: (event: 'lost' | 'opened') => void): void {
    this.pool.on('error', () => listener('lost'));
    this.pool.on('connect', () => listener('opened'));
  }

  /** Round-trips `SELECT 1`; rejects when Postgres does not answer. */
  async ping(): Promise<void> {
    await this.$queryRaw`SELECT 1`;
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.pool.end().catch(() => undefined);
  }
}
