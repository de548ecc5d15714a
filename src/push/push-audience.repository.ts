import { Injectable } from '@nestjs/common';
import { HAS_NEWER, UNREAD_COUNT } from '#src/conversations/unread-columns.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { hasStatusSql } from '#src/presence/status-rule.js';

/** Who can receive a push, and what it says about them: reads for planning pushes. */
@Injectable()
export class PushAudienceRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Those of `userIds` with a device on a session still active. */
  async withDevices(userIds: string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await this.prisma.$queryRaw<{ userId: string }[]>`
      SELECT DISTINCT d.user_id AS "userId"
      FROM devices d JOIN sessions s ON s.id = d.session_id
      WHERE d.user_id = ANY(${userIds}::uuid[]) AND s.revoked_at IS NULL AND s.expires_at > now()`;
    return rows.map((row) => row.userId);
  }

  /** Those of `userIds` whose status is `dnd` now (a status past its expiry no longer counts). */
  async doNotDisturb(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT u.id FROM users u WHERE u.id = ANY(${userIds}::uuid[]) AND ${hasStatusSql('u', 'dnd')}`;
    return new Set(rows.map((row) => row.id));
  }

  /** Each user's unread messages over their accepted conversations (what `GET /conversations/unread` totals). */
  async unreadTotals(userIds: string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<{ userId: string; total: number }[]>`
      SELECT m.user_id AS "userId", SUM(${UNREAD_COUNT})::int AS total
      FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.user_id = ANY(${userIds}::uuid[]) AND m.status = 'accepted' AND ${HAS_NEWER}
      GROUP BY m.user_id`;
    return new Map(rows.map((row) => [row.userId, row.total]));
  }

  /** The name a push shows for each user: the display name, else the username. */
  async names(userIds: string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.prisma.user.findMany({
      where: { id: { in: userIds } },
      select: { id: true, username: true, displayName: true },
    });
    return new Map(rows.map((row) => [row.id, row.displayName ?? row.username]));
  }
}
