import { Injectable } from '@nestjs/common';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

@Injectable()
export class PresenceRepository {
  constructor(private readonly prisma: PrismaService) {}

  async touchLastSeen(userId: string, at: Date): Promise<void> {
    await this.prisma.user.updateMany({ where: { id: userId }, data: { lastSeenAt: at } });
  }

  /** lastSeenAt of each existing user among `userIds`. */
  async lastSeen(userIds: string[]): Promise<Map<string, Date | null>> {
    const rows = await this.prisma.user.findMany({
      where: { id: { in: userIds } },
      select: { id: true, lastSeenAt: true },
    });
    return new Map(rows.map((row) => [row.id, row.lastSeenAt]));
  }

  /** Everyone who shares a conversation with the user: who hears of their presence. */
  async contactsOf(userId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ userId: string }[]>`
      SELECT DISTINCT theirs.user_id AS "userId"
      FROM conversation_members mine
      JOIN conversation_members theirs ON theirs.conversation_id = mine.conversation_id
      WHERE mine.user_id = ${userId}::uuid AND theirs.user_id <> ${userId}::uuid`;
    return rows.map((row) => row.userId);
  }
}
