import { Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor } from '#src/common/pagination/pagination.js';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import { toMessageView } from '#src/conversations/message.presenter.js';
import type { SyncQueryDto } from './dto/message-list.dto.js';
import { invalidField } from '#src/common/errors/common.errors.js';
import { MessagesRepository } from './messages.repository.js';
import type { SyncView } from './sync.presenter.js';

type SyncCursor = { version: string };
/** Versions are PostgreSQL bigints. */
const MAX_VERSION = 2n ** 63n - 1n;
const isSyncCursor = (value: unknown): value is SyncCursor => {
  const version = (value as SyncCursor | null)?.version;
  return typeof version === 'string' && /^\d{1,19}$/.test(version) && BigInt(version) <= MAX_VERSION;
};

/**
 * What a client that was away missed. A client at `since` has every change made before message
 * `since` was created; changes are numbered by the conversation's version in commit order, so
 * "changed after that message's creation" is exactly what it may lack (a change it saw live may
 * come again; applying a message twice is harmless, as it replaces the one with the same id).
 */
@Injectable()
export class SyncService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly access: ConversationAccess,
  ) {}

  async sync(userId: string, conversationId: string, query: SyncQueryDto): Promise<SyncView> {
    const { member } = await this.access.requireMember(userId, conversationId);
    const lastSeq = await this.messages.lastSeq(conversationId);
    if (query.since > lastSeq) throw invalidField('since', `since is past the last message (${lastSeq})`);
    const cursor = decodeCursor(query.cursor, isSyncCursor);
    let from = cursor ? BigInt(cursor.version) : 0n;
    if (!cursor && query.since > 0) from = (await this.messages.createdVersionAt(conversationId, query.since)) ?? 0n;
    const rows = await this.messages.changedSince(conversationId, from, member.hiddenBeforeSeq, query.limit + 1);
    const items = rows.slice(0, query.limit);
    const hasMore = rows.length > query.limit;
    return {
      items: items.map(toMessageView),
      // A message sent since lastSeq was read may be among the items.
      lastSeq: Math.max(lastSeq, ...items.map((item) => item.seq)),
      hasMore,
      nextCursor: hasMore ? encodeCursor({ version: String(items[items.length - 1].version) }) : null,
    };
  }
}
