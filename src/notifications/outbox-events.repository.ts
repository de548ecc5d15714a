import { Injectable } from '@nestjs/common';
import { Prisma } from '#src/generated/prisma/client.js';
import type { OutboxEventRow } from '#src/infra/outbox/outbox-event.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

/** Long enough for a 500-member fan-out with its pushes; the lease is what bounds a claim. */
const TRANSACTION_TIMEOUT_MS = 30_000;

const CLAIM_STATEMENT = `
  UPDATE outbox_events o
  SET available_at = now() + make_interval(secs => $1::int), attempts = o.attempts + 1
  FROM (
    SELECT conversation_id, id FROM outbox_events
    WHERE available_at <= now() ORDER BY available_at LIMIT $2::int
    FOR UPDATE SKIP LOCKED
  ) due
  WHERE o.conversation_id = due.conversation_id AND o.id = due.id
  RETURNING o.conversation_id AS "conversationId", o.id, o.kind, o.payload, o.created_at AS "createdAt", o.attempts`;

/**
 * The outbox events rows. A worker claims due rows (`FOR UPDATE SKIP LOCKED`: workers on other
 * instances take other rows), which moves them out of reach for a lease and counts the attempt;
 * it finishes one only while it still holds that attempt, so after a lease ran out and another
 * worker took the row, the first one's work is rolled back rather than done twice.
 */
@Injectable()
export class OutboxEventsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Claimed rows; run on the pool directly (`PrismaService.rows`), as every send is: a turn runs for a few sends. */
  claim(limit: number, leaseSeconds: number): Promise<OutboxEventRow[]> {
    return this.prisma.rows<OutboxEventRow>(CLAIM_STATEMENT, [leaseSeconds, limit]);
  }

  /**
   * Runs `work` in the transaction that deletes the event, if this claim still holds it; false
   * (nothing done) when it does not. The delete comes first: it locks the row, so two workers
   * holding the same event one after the other cannot both commit.
   */
  complete(event: OutboxEventRow, work: (tx: Prisma.TransactionClient) => Promise<void>): Promise<boolean> {
    return this.prisma.$transaction(
      async (tx) => {
        const deleted = await tx.$executeRaw`
          DELETE FROM outbox_events
          WHERE conversation_id = ${event.conversationId}::uuid AND id = ${event.id}::uuid
            AND attempts = ${event.attempts}::int`;
        if (deleted === 0) return false;
        await work(tx);
        return true;
      },
      { timeout: TRANSACTION_TIMEOUT_MS },
    );
  }

  /**
   * Deletes events that needed nothing stored, those this claim still holds: most sends' events, so
   * on the pool directly too. Each key is listed (`IN`), a form Citus runs on every shard.
   */
  async finishAll(events: OutboxEventRow[]): Promise<void> {
    const keys = events.map(
      (_event, index) => `($${3 * index + 1}::uuid, $${3 * index + 2}::uuid, $${3 * index + 3}::int)`,
    );
    await this.prisma.rows(
      `DELETE FROM outbox_events WHERE (conversation_id, id, attempts) IN (${keys.join(', ')})`,
      events.flatMap((event) => [event.conversationId, event.id, event.attempts]),
    );
  }

  /** Puts the event back for a later attempt, noting why this one failed. */
  async retryLater(event: OutboxEventRow, delayMs: number, error: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE outbox_events
      SET available_at = now() + make_interval(secs => ${delayMs / 1000}::float8), last_error = ${error.slice(0, 500)}
      WHERE conversation_id = ${event.conversationId}::uuid AND id = ${event.id}::uuid AND attempts = ${event.attempts}::int`;
  }

  async giveUp(event: OutboxEventRow): Promise<void> {
    await this.prisma.$executeRaw`
      DELETE FROM outbox_events
      WHERE conversation_id = ${event.conversationId}::uuid AND id = ${event.id}::uuid AND attempts = ${event.attempts}::int`;
  }

  /** Seconds since the oldest event still waiting was written; 0 when none is. */
  async oldestAgeSeconds(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ age: number }[]>`
      SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age FROM outbox_events`;
    return row?.age ?? 0;
  }
}
