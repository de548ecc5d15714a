import { Injectable } from '@nestjs/common';
import { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

/** An erasure a worker holds: its later writes count only while `attempts` is the count it claimed it with. */
export interface ClaimedErasure {
  userId: string;
  attempts: number;
}

const isHeld = (claim: ClaimedErasure) =>
  Prisma.sql`user_id = ${claim.userId}::uuid AND attempts = ${claim.attempts}::int`;

/**
 * The `account_erasures` rows, written with an account's deletion (see UsersRepository.anonymise).
 * Claimed like outbox rows (`FOR UPDATE SKIP LOCKED`, a lease renewed batch after batch), deleted
 * once every message is tombstoned and every upload gone.
 */
@Injectable()
export class AccountErasuresRepository {
  constructor(private readonly prisma: PrismaService) {}

  async claim(leaseSeconds: number): Promise<ClaimedErasure | null> {
    const [claimed] = await this.prisma.$queryRaw<ClaimedErasure[]>`
      UPDATE account_erasures e
      SET available_at = now() + make_interval(secs => ${leaseSeconds}::int), attempts = e.attempts + 1
      FROM (
        SELECT user_id FROM account_erasures WHERE available_at <= now()
        ORDER BY available_at LIMIT 1 FOR UPDATE SKIP LOCKED
      ) due
      WHERE e.user_id = due.user_id
      RETURNING e.user_id AS "userId", e.attempts`;
    return claimed ?? null;
  }

  /** Extends the lease; false when another worker has taken the erasure since. */
  async renew(claim: ClaimedErasure, leaseSeconds: number): Promise<boolean> {
    const renewed = await this.prisma.$executeRaw`
      UPDATE account_erasures SET available_at = now() + make_interval(secs => ${leaseSeconds}::int)
      WHERE ${isHeld(claim)}`;
    return renewed > 0;
  }

  async finish(claim: ClaimedErasure): Promise<void> {
    await this.prisma.$executeRaw`DELETE FROM account_erasures WHERE ${isHeld(claim)}`;
  }

  async retryLater(claim: ClaimedErasure, delayMs: number, error: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE account_erasures
      SET available_at = now() + make_interval(secs => ${delayMs / 1000}::float8), last_error = ${error.slice(0, 500)}
      WHERE ${isHeld(claim)}`;
  }
}
