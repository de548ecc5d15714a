import { Injectable } from '@nestjs/common';
import type { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

/**
 * A key's session lasts until its bot is deleted: there is nothing to refresh it with. The last day
 * the column holds stands for "no expiry", so every check of `expires_at` keeps working unchanged.
 */
const KEY_SESSION_EXPIRY = new Date('9999-12-31T00:00:00.000Z');

/** Who a key stands for: its bot, and the session every revocation check is made on. */
export interface BotKeyOwner {
  keyId: string;
  botId: string;
  sessionId: string;
  /** The session's expiry, ms since the epoch. */
  expiresAt: number;
}

/** The keys one deletion revoked: their sessions, and the hashes they are cached under. */
export interface RevokedBotKeys {
  sessionIds: string[];
  keyHashes: string[];
}

/** Bots' API keys, each with a session row of its own. */
@Injectable()
export class BotKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The owner of the key with this hash while the key's session is active and its bot not deleted. */
  async findActive(keyHash: string): Promise<BotKeyOwner | null> {
    const row = await this.prisma.botApiKey.findFirst({
      where: {
        keyHash,
        session: { revokedAt: null, expiresAt: { gt: new Date() } },
        bot: { role: 'bot', deletedAt: null },
      },
      select: { id: true, botId: true, sessionId: true, session: { select: { expiresAt: true } } },
    });
    return (
      row && { keyId: row.id, botId: row.botId, sessionId: row.sessionId, expiresAt: row.session.expiresAt.getTime() }
    );
  }

  /** A key and its session, with the transaction that creates the bot. */
  async create(db: Prisma.TransactionClient, botId: string, keyHash: string): Promise<void> {
    await db.botApiKey.create({
      data: {
        keyHash,
        bot: { connect: { id: botId } },
        session: {
          create: {
            user: { connect: { id: botId } },
            deviceName: 'API key',
            deviceType: 'bot',
            expiresAt: KEY_SESSION_EXPIRY,
          },
        },
      },
    });
  }

  /** Revokes the sessions of every key of the bot that is still active, with the transaction that deletes it. */
  async revokeAll(db: Prisma.TransactionClient, botId: string): Promise<RevokedBotKeys> {
    const keys = await db.botApiKey.findMany({
      where: { botId, session: { revokedAt: null } },
      select: { sessionId: true, keyHash: true },
    });
    const sessionIds = keys.map((key) => key.sessionId);
    if (sessionIds.length > 0) {
      await db.session.updateMany({
        where: { id: { in: sessionIds }, revokedAt: null },
        data: { revokedAt: new Date() },
      });
    }
    return { sessionIds, keyHashes: keys.map((key) => key.keyHash) };
  }
}
