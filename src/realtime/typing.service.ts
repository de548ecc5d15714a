import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';
import { BlocksService } from '#src/users/blocks.service.js';
import type { ConversationMeta } from '#src/conversations/conversation-meta.js';

/** Typing expires by itself this long after the last `typing.start` (docs/api.md). */
const TYPING_TTL_SECONDS = 5;
/** Repeated `typing.start`s from one socket in one conversation are passed on at most this often. */
const START_EVERY_MS = 2000;

/** Typing indicators: a short-lived Redis key per typist, and who should be told. */
@Injectable()
export class TypingService {
  /** Per socket (by id): when each conversation's start was last passed on. */
  private readonly lastStart = new Map<string, Map<string, number>>();
  /**
   * Per socket and conversation: the change under way. A socket's events are handled side by
   * side, so a start and the stop sent right after it could otherwise be passed on stop first,
   * leaving the others seeing "typing" until it expires.
   */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly access: ConversationAccess,
    private readonly blocks: BlocksService,
    private readonly events: ChatEvents,
  ) {}

  /**
   * Tells the other members, unless this start repeats one passed on moments ago. Only a member who
   * may write can signal typing (not in an unanswered request, and in a direct conversation not
   * across a block: 403 BLOCKED).
   */
  start(socketId: string, userId: string, conversationId: string): Promise<void> {
    return this.inTurn(socketId, conversationId, () => this.passOnStart(socketId, userId, conversationId));
  }

  stop(socketId: string, userId: string, conversationId: string): Promise<void> {
    return this.inTurn(socketId, conversationId, () => this.passOnStop(socketId, userId, conversationId));
  }

  forgetSocket(socketId: string): void {
    this.lastStart.delete(socketId);
  }

  /** Runs `change` once the socket's previous change in the conversation has finished, failed or not. */
  private inTurn(socketId: string, conversationId: string, change: () => Promise<void>): Promise<void> {
    const key = `${socketId}:${conversationId}`;
    const previous = this.turns.get(key) ?? Promise.resolve();
    const next = previous.then(change, change);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(key, settled);
    void settled.then(() => {
      if (this.turns.get(key) === settled) this.turns.delete(key);
    });
    return next;
  }

  private async passOnStart(socketId: string, userId: string, conversationId: string): Promise<void> {
    const { conversation } = await this.access.requireWriter(userId, conversationId);
    const starts = this.lastStart.get(socketId) ?? new Map<string, number>();
    this.lastStart.set(socketId, starts);
    const now = Date.now();
    if (now - (starts.get(conversationId) ?? 0) < START_EVERY_MS) return;
    starts.set(conversationId, now);
    await this.redis
      .set(RedisKeys.typing(conversationId, userId), '1', 'EX', TYPING_TTL_SECONDS)
      .catch(() => undefined);
    await this.tell(conversation, userId, true);
  }

  private async passOnStop(socketId: string, userId: string, conversationId: string): Promise<void> {
    const { conversation } = await this.access.requireMember(userId, conversationId);
    this.lastStart.get(socketId)?.delete(conversationId);
    await this.redis.del(RedisKeys.typing(conversationId, userId)).catch(() => undefined);
    await this.tell(conversation, userId, false);
  }

  /**
   * The other members, less those with a block either way with the typist: in a group the typist
   * still types to the others, never to someone who blocked them or whom they blocked.
   */
  private async tell(conversation: ConversationMeta, userId: string, isTyping: boolean): Promise<void> {
    const others = conversation.members.map((member) => member.userId).filter((id) => id !== userId);
    const blocked = await this.blocks.blockedEitherWayAmong(userId, others);
    const memberIds = others.filter((id) => !blocked.has(id));
    if (memberIds.length > 0) {
      this.events.publish('typing', { conversationId: conversation.id, userId, isTyping, memberIds });
    }
  }
}
