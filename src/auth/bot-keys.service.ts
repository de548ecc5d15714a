import { Injectable } from '@nestjs/common';
import type { Prisma } from '#src/generated/prisma/client.js';
import { hashBotKey, issueBotKey } from './bot-key.js';
import { BotKeyCache } from './bot-key-cache.js';
import { BotKeysRepository, type BotKeyOwner, type RevokedBotKeys } from './bot-keys.repository.js';
import { SessionsService } from './sessions.service.js';

/**
 * Bots' API keys: issued and revoked inside the transaction that creates or deletes the bot (with
 * its audit row), looked up by hash on every request. Revoking a key is revoking its session, so
 * the revocation machinery of access tokens (Redis mirror, Postgres fallback, replay, socket
 * closing on every instance) holds for keys too.
 */
@Injectable()
export class BotKeys {
  constructor(
    private readonly keys: BotKeysRepository,
    private readonly cache: BotKeyCache,
    private readonly sessions: SessionsService,
  ) {}

  /** Whom a well-formed key stands for, before its session's revocation check; null when it names no live key. */
  async owner(apiKey: string): Promise<BotKeyOwner | null> {
    const keyHash = hashBotKey(apiKey);
    const { value } = await this.cache.owner(keyHash, () => this.keys.findActive(keyHash));
    return value;
  }

  /** A new key for the bot, written with `db`; the key itself is returned once and kept nowhere. */
  async issue(db: Prisma.TransactionClient, botId: string): Promise<string> {
    const { apiKey, keyHash } = issueBotKey();
    await this.keys.create(db, botId, keyHash);
    return apiKey;
  }

  /** Revokes every key of the bot with `db`; `revoked` must follow once that transaction committed. */
  revokeAll(db: Prisma.TransactionClient, botId: string): Promise<RevokedBotKeys> {
    return this.keys.revokeAll(db, botId);
  }

  /** After the commit: Redis, the open sockets on every instance and the key cache learn of it. */
  async revoked(botId: string, keys: RevokedBotKeys): Promise<void> {
    await this.sessions.revoked(botId, keys.sessionIds);
    await this.cache.keysRevoked(keys.keyHashes);
  }
}
