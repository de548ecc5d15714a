import { Injectable } from '@nestjs/common';
import type { Prisma, User } from '#src/generated/prisma/client.js';
import { searchKey } from '#src/users/search-key.js';
import { anonymisedAccount } from '#src/users/users.repository.js';

export interface NewBot {
  id: string;
  /** Lower-cased. */
  username: string;
  displayName: string;
}

/**
 * Bots' rows in `users`, written with the transaction of the admin action that audits them. A bot
 * has no password and an address of its own that no mail reaches (`.invalid`, RFC 2606).
 */
@Injectable()
export class BotsRepository {
  createAccount(db: Prisma.TransactionClient, bot: NewBot): Promise<User> {
    return db.user.create({
      data: {
        id: bot.id,
        email: `bot-${bot.id}@bots.invalid`,
        username: bot.username,
        passwordHash: '',
        displayName: bot.displayName,
        displayNameSearch: searchKey(bot.displayName),
        role: 'bot',
      },
    });
  }

  /** The username of the bot with this id, unless there is none or it is deleted. */
  async findUsername(db: Prisma.TransactionClient, id: string): Promise<string | null> {
    const bot = await db.user.findFirst({ where: { id, role: 'bot', deletedAt: null }, select: { username: true } });
    return bot?.username ?? null;
  }

  /**
   * Anonymises the bot as an account deletion does, only while it is a bot that is not deleted: of
   * two deletions racing, one finds it and the other does not.
   */
  async anonymise(db: Prisma.TransactionClient, id: string): Promise<boolean> {
    const { count } = await db.user.updateMany({
      where: { id, role: 'bot', deletedAt: null },
      data: anonymisedAccount(id),
    });
    return count === 1;
  }
}
