import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

export type ExportStatus = 'pending' | 'running' | 'ready' | 'failed' | 'expired';

export interface ExportRow {
  userId: string;
  id: string;
  status: ExportStatus;
  createdAt: Date;
  completedAt: Date | null;
  expiresAt: Date | null;
  size: bigint | null;
}

/** An export a worker holds: it may finish it only while `attempts` is still the count it claimed it with. */
export interface ClaimedExport {
  userId: string;
  id: string;
  attempts: number;
}

export interface ExportKey {
  userId: string;
  id: string;
}

const COLUMNS = Prisma.sql`user_id AS "userId", id, status, created_at AS "createdAt",
  completed_at AS "completedAt", expires_at AS "expiresAt", size`;

/** Requests that find another one in progress and then see it finish before reading it, in a row: a bound, never reached in practice. */
const REQUEST_TRIES = 3;

const isHeld = (claim: ClaimedExport) =>
  Prisma.sql`user_id = ${claim.userId}::uuid AND id = ${claim.id}::uuid AND attempts = ${claim.attempts}::int
             AND status = 'running'`;

/**
 * The `data_exports` rows. Workers claim due ones (`FOR UPDATE SKIP LOCKED`, so instances take
 * different ones) for a lease they renew as they go; an export whose worker died is taken again
 * once its lease has lapsed. Every later write is fenced by the claim's attempt count.
 */
@Injectable()
export class ExportsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * A new export for the user, or the one already in progress (`created` false): the unique key
   * on (user, active) makes it one however many requests race.
   */
  async requestOnce(userId: string): Promise<{ row: ExportRow; created: boolean }> {
    for (let i = 0; i < REQUEST_TRIES; i += 1) {
      const [created] = await this.prisma.$queryRaw<ExportRow[]>`
        INSERT INTO data_exports (user_id, id) VALUES (${userId}::uuid, ${randomUUID()}::uuid)
        ON CONFLICT (user_id, active) DO NOTHING
        RETURNING ${COLUMNS}`;
      if (created) return { row: created, created: true };
      const [running] = await this.prisma.$queryRaw<ExportRow[]>`
        SELECT ${COLUMNS} FROM data_exports WHERE user_id = ${userId}::uuid AND active`;
      // Finished between the two statements otherwise: the next insert goes through.
      if (running) return { row: running, created: false };
    }
    throw new Error('An export kept finishing between its request and its read');
  }

  async find(userId: string, id: string): Promise<ExportRow | null> {
    const [row] = await this.prisma.$queryRaw<ExportRow[]>`
      SELECT ${COLUMNS} FROM data_exports WHERE user_id = ${userId}::uuid AND id = ${id}::uuid`;
    return row ?? null;
  }

  /** Takes the oldest due export, if any, for `leaseSeconds`. */
  async claim(leaseSeconds: number): Promise<ClaimedExport | null> {
    const [claimed] = await this.prisma.$queryRaw<ClaimedExport[]>`
      UPDATE data_exports e
      SET status = 'running', available_at = now() + make_interval(secs => ${leaseSeconds}::int),
          attempts = e.attempts + 1
      FROM (
        SELECT user_id, id FROM data_exports WHERE active AND available_at <= now()
        ORDER BY available_at LIMIT 1 FOR UPDATE SKIP LOCKED
      ) due
      WHERE e.user_id = due.user_id AND e.id = due.id
      RETURNING e.user_id AS "userId", e.id, e.attempts`;
    return claimed ?? null;
  }

  /** Extends the claim's lease; false when the claim is no longer held (it lapsed and another worker took it). */
  async renew(claim: ClaimedExport, leaseSeconds: number): Promise<boolean> {
    const renewed = await this.prisma.$executeRaw`
      UPDATE data_exports SET available_at = now() + make_interval(secs => ${leaseSeconds}::int)
      WHERE ${isHeld(claim)}`;
    return renewed > 0;
  }

  /**
   * Marks it ready, kept `keepHours`, if the claim still holds it; the user's older archives then
   * expire at once (the sweep deletes them): one archive per user at a time.
   */
  complete(claim: ClaimedExport, size: number, keepHours: number): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const done = await tx.$executeRaw`
        UPDATE data_exports
        SET status = 'ready', active = NULL, completed_at = now(), size = ${size}::bigint, last_error = NULL,
            expires_at = now() + make_interval(hours => ${keepHours}::int)
        WHERE ${isHeld(claim)}`;
      if (done === 0) return false;
      await tx.$executeRaw`
        UPDATE data_exports SET expires_at = now()
        WHERE user_id = ${claim.userId}::uuid AND status = 'ready' AND id <> ${claim.id}::uuid AND expires_at > now()`;
      return true;
    });
  }

  /** Puts it back for a later attempt, noting why this one failed. */
  async retryLater(claim: ClaimedExport, delayMs: number, error: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE data_exports
      SET status = 'pending', available_at = now() + make_interval(secs => ${delayMs / 1000}::float8),
          last_error = ${error.slice(0, 500)}
      WHERE ${isHeld(claim)}`;
  }

  async fail(claim: ClaimedExport, error: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE data_exports SET status = 'failed', active = NULL, completed_at = now(), last_error = ${error.slice(0, 500)}
      WHERE ${isHeld(claim)}`;
  }

  /** Up to `limit` archives to delete: past their time, or of an account deleted since. */
  expiredArchives(limit: number): Promise<ExportKey[]> {
    return this.prisma.$queryRaw<ExportKey[]>`
      SELECT e.user_id AS "userId", e.id FROM data_exports e
      WHERE e.status = 'ready'
        AND (e.expires_at <= now()
             OR EXISTS (SELECT 1 FROM users u WHERE u.id = e.user_id AND u.deleted_at IS NOT NULL))
      ORDER BY e.expires_at
      LIMIT ${limit}::int`;
  }

  /** Their archives are gone from the storage. */
  async markExpired(exports: ExportKey[]): Promise<void> {
    if (exports.length === 0) return;
    const keys = Prisma.join(exports.map((row) => Prisma.sql`(${row.userId}::uuid, ${row.id}::uuid)`));
    await this.prisma.$executeRaw`
      UPDATE data_exports SET status = 'expired', expires_at = LEAST(expires_at, now())
      WHERE status = 'ready' AND (user_id, id) IN (${keys})`;
  }
}
