import { Injectable } from '@nestjs/common';
import { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { likePrefix } from '#src/users/search-key.js';
import type { AdminUserSource } from './admin-user.presenter.js';

const ADMIN_USER_COLUMNS = Prisma.sql`
  u.id, u.email, u.username, u.display_name AS "displayName", u.role, u.created_at AS "createdAt",
  u.deleted_at AS "deletedAt", u.suspended_at AS "suspendedAt", u.suspended_until AS "suspendedUntil",
  u.suspension_reason AS "suspensionReason"`;

/** What a suspension writes on the user row. */
export interface SuspensionRecord {
  at: Date;
  until: Date | null;
  reason: string;
}

/** Users as admins read and change them: every account, deleted ones included. */
@Injectable()
export class AdminUsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Accounts whose email, username or display name starts with `prefix` (a search key; none: every
   * account), by username after `afterUsername`. Each column has a `text_pattern_ops` index.
   */
  search(prefix: string | undefined, limit: number, afterUsername?: string): Promise<AdminUserSource[]> {
    const pattern = prefix ? likePrefix(prefix) : undefined;
    const matching = pattern
      ? Prisma.sql`AND (u.email LIKE ${pattern} ESCAPE '\\' OR u.username LIKE ${pattern} ESCAPE '\\'
                        OR u.display_name_search LIKE ${pattern} ESCAPE '\\')`
      : Prisma.empty;
    const after = afterUsername === undefined ? Prisma.empty : Prisma.sql`AND u.username > ${afterUsername}`;
    return this.prisma.$queryRaw<AdminUserSource[]>`
      SELECT ${ADMIN_USER_COLUMNS} FROM users u
      WHERE TRUE ${matching} ${after}
      ORDER BY u.username
      LIMIT ${limit}`;
  }

  /**
   * The active account, locked until the transaction ends: a suspension decides on the row as it is
   * then, and a sign-in (which reads it FOR SHARE) waits for the suspension to commit.
   */
  async lockActive(tx: Prisma.TransactionClient, userId: string): Promise<AdminUserSource | null> {
    const [row] = await tx.$queryRaw<AdminUserSource[]>`
      SELECT ${ADMIN_USER_COLUMNS} FROM users u WHERE u.id = ${userId}::uuid AND u.deleted_at IS NULL FOR NO KEY UPDATE`;
    return row ?? null;
  }

  async setSuspension(
    tx: Prisma.TransactionClient,
    userId: string,
    suspension: SuspensionRecord | null,
  ): Promise<void> {
    await tx.user.update({
      where: { id: userId },
      data: {
        suspendedAt: suspension?.at ?? null,
        suspendedUntil: suspension?.until ?? null,
        suspensionReason: suspension?.reason ?? null,
      },
    });
  }
}
