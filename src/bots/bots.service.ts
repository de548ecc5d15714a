import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditRepository } from '#src/admin/audit.repository.js';
import { BotKeys } from '#src/auth/bot-keys.service.js';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import { isUniqueViolation } from '#src/infra/prisma/prisma-errors.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { UserCache } from '#src/users/user-cache.js';
import { toPublicProfile, type PublicProfile } from '#src/users/user.presenter.js';
import { usernameTaken } from '#src/users/users.errors.js';
import { BotsRepository } from './bots.repository.js';
import { botNotFound } from './bots.errors.js';
import type { BotCreateDto } from './dto/bot-create.dto.js';

/** The answer to a creation: the bot's profile, and its key, shown this once. */
export interface BotCreated {
  user: PublicProfile;
  apiKey: string;
}

/**
 * Bots, created and deleted by system admins (the controller's guard has checked the caller). Each
 * action, its key's session and its audit row are written in one transaction.
 */
@Injectable()
export class BotsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly bots: BotsRepository,
    private readonly keys: BotKeys,
    private readonly audit: AuditRepository,
    private readonly users: UserCache,
  ) {}

  /** 409 `USERNAME_TAKEN` when a user or bot has the username, in any case (deleted accounts keep theirs). */
  async create(caller: AuthContext, dto: BotCreateDto, ip: string): Promise<BotCreated> {
    const id = randomUUID();
    const username = dto.username.toLowerCase();
    try {
      return await this.prisma.$transaction(async (tx) => {
        const bot = await this.bots.createAccount(tx, { id, username, displayName: dto.displayName });
        const apiKey = await this.keys.issue(tx, id);
        await this.audit.record(tx, {
          actorId: caller.userId,
          action: 'bot.created',
          targetType: 'bot',
          targetId: id,
          details: { username },
          ip,
        });
        return { user: toPublicProfile(bot), apiKey };
      });
    } catch (error) {
      // The email is made of the new id: only the username can be taken.
      if (isUniqueViolation(error)) throw usernameTaken();
      throw error;
    }
  }

  /**
   * Deletes the bot as an account is deleted (its messages remain, from a deleted bot) and revokes
   * its keys: refused at once on every instance, its sockets closed. 404 `BOT_NOT_FOUND` for an id
   * that is no bot, or one already deleted.
   */
  async delete(caller: AuthContext, botId: string, ip: string): Promise<void> {
    const revoked = await this.prisma.$transaction(async (tx) => {
      const username = await this.bots.findUsername(tx, botId);
      if (username === null || !(await this.bots.anonymise(tx, botId))) throw botNotFound();
      const keys = await this.keys.revokeAll(tx, botId);
      await this.audit.record(tx, {
        actorId: caller.userId,
        action: 'bot.deleted',
        targetType: 'bot',
        targetId: botId,
        details: { username },
        ip,
      });
      return keys;
    });
    await this.keys.revoked(botId, revoked);
    await this.users.profileChanged(botId);
  }
}
