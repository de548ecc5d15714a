import { Injectable } from '@nestjs/common';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { Block, User } from '#src/generated/prisma/client.js';

export type BlockWithUser = Block & { blocked: User };

@Injectable()
export class BlocksRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Idempotent: blocking twice keeps the first block. */
  async add(blockerId: string, blockedId: string): Promise<void> {
    await this.prisma.block.upsert({
      where: { blockerId_blockedId: { blockerId, blockedId } },
      create: { blockerId, blockedId },
      update: {},
    });
  }

  async remove(blockerId: string, blockedId: string): Promise<void> {
    await this.prisma.block.deleteMany({ where: { blockerId, blockedId } });
  }

  async blockersAmong(blockedId: string, candidates: string[]): Promise<string[]> {
    const rows = await this.prisma.block.findMany({
      where: { blockedId, blockerId: { in: candidates } },
      select: { blockerId: true },
    });
    return rows.map((row) => row.blockerId);
  }

  /** Those of `candidates` who blocked `userId` or whom `userId` blocked. */
  async eitherWayAmong(userId: string, candidates: string[]): Promise<string[]> {
    const rows = await this.prisma.block.findMany({
      where: {
        OR: [
          { blockerId: userId, blockedId: { in: candidates } },
          { blockedId: userId, blockerId: { in: candidates } },
        ],
      },
      select: { blockerId: true, blockedId: true },
    });
    return rows.map((row) => (row.blockerId === userId ? row.blockedId : row.blockerId));
  }

  async existsBetween(a: string, b: string): Promise<boolean> {
    const row = await this.prisma.block.findFirst({
      where: {
        OR: [
          { blockerId: a, blockedId: b },
          { blockerId: b, blockedId: a },
        ],
      },
      select: { blockerId: true },
    });
    return row !== null;
  }

  /** Whether any of `newcomers` blocked, or was blocked by, any of `group` (newcomers included). */
  async anyTouching(newcomers: string[], group: string[]): Promise<boolean> {
    const row = await this.prisma.block.findFirst({
      where: {
        OR: [
          { blockerId: { in: newcomers }, blockedId: { in: group } },
          { blockerId: { in: group }, blockedId: { in: newcomers } },
        ],
      },
      select: { blockerId: true },
    });
    return row !== null;
  }

  /** Newest first, after `after` (the last row of the previous page). */
  list(blockerId: string, limit: number, after?: { createdAt: string; blockedId: string }): Promise<BlockWithUser[]> {
    return this.prisma.block.findMany({
      where: {
        blockerId,
        ...(after && {
          OR: [
            { createdAt: { lt: new Date(after.createdAt) } },
            { createdAt: new Date(after.createdAt), blockedId: { gt: after.blockedId } },
          ],
        }),
      },
      orderBy: [{ createdAt: 'desc' }, { blockedId: 'asc' }],
      take: limit,
      include: { blocked: true },
    });
  }
}
