import { Injectable } from '@nestjs/common';
import { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

/** A ban as stored. */
export interface BanRow {
  userId: string;
  bannedBy: string;
  reason: string | null;
  until: Date | null;
  createdAt: Date;
}

/** Where a page of a group's bans starts: after this (time, user), newest first. */
export interface BanPosition {
  createdAt: string;
  userId: string;
}

/** A ban that still counts, for a row of `conversation_bans`: for ever, or until a time to come. */
export const BAN_IN_FORCE = Prisma.sql`(until IS NULL OR until > now())`;

const BAN_COLUMNS = Prisma.sql`user_id AS "userId", banned_by AS "bannedBy", reason, until, created_at AS "createdAt"`;

/** The bans of groups. Who is banned when members are added is read by MembersRepository.add, under its lock. */
@Injectable()
export class BansRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Writes the ban, or replaces the user's earlier one (its time becomes now), with the client of the
   * removal's transaction: the ban and the removal commit together.
   */
  async place(
    tx: Prisma.TransactionClient,
    ban: { conversationId: string; userId: string; bannedBy: string; reason: string | null; until: Date | null },
  ): Promise<BanRow> {
    const [row] = await tx.$queryRaw<BanRow[]>`
      INSERT INTO conversation_bans (conversation_id, user_id, banned_by, reason, until)
      VALUES (${ban.conversationId}::uuid, ${ban.userId}::uuid, ${ban.bannedBy}::uuid, ${ban.reason}, ${ban.until}::timestamptz)
      ON CONFLICT (conversation_id, user_id) DO UPDATE
        SET banned_by = EXCLUDED.banned_by, reason = EXCLUDED.reason, until = EXCLUDED.until, created_at = now()
      RETURNING ${BAN_COLUMNS}`;
    return row;
  }

  /**
   * Deletes the user's ban, with `alongside` in the same transaction when it was still in force.
   * Answers whether it was: lifting no ban, or one already past its `until`, changes nothing.
   */
  lift(
    conversationId: string,
    userId: string,
    alongside: (tx: Prisma.TransactionClient) => Promise<void>,
  ): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const [lifted] = await tx.$queryRaw<{ inForce: boolean }[]>`
        DELETE FROM conversation_bans WHERE conversation_id = ${conversationId}::uuid AND user_id = ${userId}::uuid
        RETURNING ${BAN_IN_FORCE} AS "inForce"`;
      if (!lifted?.inForce) return false;
      await alongside(tx);
      return true;
    });
  }

  /** The group's bans in force, newest first, after `after`; read through the (conversation, time, user) index. */
  page(conversationId: string, limit: number, after?: BanPosition): Promise<BanRow[]> {
    const afterAt = after ? new Date(after.createdAt) : null;
    return this.prisma.$queryRaw<BanRow[]>`
      SELECT ${BAN_COLUMNS} FROM conversation_bans
      WHERE conversation_id = ${conversationId}::uuid AND ${BAN_IN_FORCE}
        AND (${afterAt}::timestamptz IS NULL
             OR (created_at, user_id) < (${afterAt}::timestamptz, ${after?.userId ?? null}::uuid))
      ORDER BY created_at DESC, user_id DESC
      LIMIT ${limit}`;
  }
}
