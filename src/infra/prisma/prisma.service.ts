import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { DriverAdapterError } from '@prisma/driver-adapter-utils';
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

  /**
   * Runs one parameterised statement straight on the pool, past Prisma's query layer, which costs
   * more CPU than the statement itself (about 190 µs of this process's CPU a query, against 80 µs
   * here): for the statements every message send runs. Unnamed, so that it works through any pooler
   * and on the embedded server's one session. Its errors take the adapter's shape, so they are
   * mapped as those of any raw query are.
   */
  async rows<T>(text: string, values: unknown[]): Promise<T[]> {
    try {
      return (await this.pool.query(text, values)).rows as T[];
    } catch (error) {
      throw error instanceof pg.DatabaseError ? new DriverAdapterError(adapterCause(error)) : error;
    }
  }

  /** The pool's connections now: open, idle, and requests waiting for one (all busy when it is full). */
  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
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

/** What the pg adapter makes of a server error: its SQLSTATE, and the kinds the error mapping reads. */
function adapterCause(error: pg.DatabaseError): ConstructorParameters<typeof DriverAdapterError>[0] {
  const original = { originalCode: error.code ?? '', originalMessage: error.message };
  switch (error.code) {
    case '23503':
      return { ...original, kind: 'ForeignKeyConstraintViolation', constraint: { index: error.constraint ?? '' } };
    case '23505':
      return { ...original, kind: 'UniqueConstraintViolation', constraint: { index: error.constraint ?? '' } };
    default:
      return {
        ...original,
        kind: 'postgres',
        code: error.code ?? '',
        severity: error.severity ?? 'ERROR',
        message: error.message,
        detail: error.detail,
        column: error.column,
        hint: error.hint,
      };
  }
}
