import { Injectable } from '@nestjs/common';
import type { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

/** The run of one period, as the instance that claimed it holds it. */
export interface ClaimedRun {
  slot: bigint;
  /** Messages created before this are tombstoned: fixed when the period's run began. */
  cutoff: Date;
  attempts: number;
}

/**
 * The `retention_runs` rows: one per period. Claiming inserts the current period's row, which only
 * one instance can do; a row whose run is unfinished and whose lease has lapsed (its instance
 * died) is taken over by the next claim instead. The period and the cutoff come from PostgreSQL's
 * clock, so instances whose clocks differ still agree on them.
 */
@Injectable()
export class RetentionRunsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async claim(intervalSeconds: number, retentionDays: number, leaseSeconds: number): Promise<ClaimedRun | null> {
    const [run] = await this.prisma.$queryRaw<ClaimedRun[]>`
      INSERT INTO retention_runs (slot, cutoff, lease_until)
      VALUES (floor(extract(epoch FROM now()) / ${intervalSeconds}::int)::bigint,
              now() - make_interval(days => ${retentionDays}::int),
              now() + make_interval(secs => ${leaseSeconds}::int))
      ON CONFLICT (slot) DO UPDATE
        SET lease_until = EXCLUDED.lease_until, attempts = retention_runs.attempts + 1
        WHERE retention_runs.finished_at IS NULL AND retention_runs.lease_until < now()
      RETURNING slot, cutoff, attempts`;
    return run ?? null;
  }

  /** Counts a batch and extends the lease; false when another instance has taken the run over since. */
  async progress(run: ClaimedRun, erased: number, leaseSeconds: number): Promise<boolean> {
    const updated = await this.prisma.$executeRaw`
      UPDATE retention_runs
      SET erased = erased + ${erased}::int, lease_until = now() + make_interval(secs => ${leaseSeconds}::int)
      WHERE slot = ${run.slot}::bigint AND attempts = ${run.attempts}::int AND finished_at IS NULL`;
    return updated > 0;
  }

  /**
   * Marks the run finished, if this claim still holds it, and runs `finished` (its audit entry) in
   * the same transaction. The total of messages it tombstoned, over every claim of it; null when
   * the claim was lost.
   */
  finish(run: ClaimedRun, finished: (tx: Prisma.TransactionClient, erased: number) => Promise<void>) {
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ erased: number }[]>`
        UPDATE retention_runs SET finished_at = now()
        WHERE slot = ${run.slot}::bigint AND attempts = ${run.attempts}::int AND finished_at IS NULL
        RETURNING erased`;
      if (!row) return null;
      await finished(tx, row.erased);
      return row.erased;
    });
  }
}
