import { Injectable } from '@nestjs/common';
import { Prisma } from '#src/generated/prisma/client.js';
import { MESSAGE_COLUMNS } from '#src/conversations/message-columns.js';
import type { MessageSource } from '#src/conversations/message.presenter.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

/** Where a page of results starts: after this message, in (created time, id) descending. */
export interface SearchPosition {
  createdAt: string;
  id: string;
}

export interface SearchScope {
  userId: string;
  /** Only this conversation (the caller's membership was checked; the query checks it again). */
  conversationId?: string;
  before?: SearchPosition;
  limit: number;
}

/**
 * The folded body holds the folded term: LIKE `%term%` with LIKE's own characters escaped. A term
 * that folds to nothing (only combining marks) matches nothing, rather than `%%`, everything.
 */
const contains = (term: string) => Prisma.sql`(search_fold(${term}::text) <> '' AND m.search_text LIKE
  '%' || replace(replace(replace(search_fold(${term}::text), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')`;

/**
 * Message search. One query applies everything that decides what the caller may find: accepted
 * memberships only, messages after their hide point, no tombstones. The body is matched as it is
 * now, so an edited message is found by its new text only. Indexes: `messages_search_text_idx`
 * (substrings) and `messages_search_vector_idx` (prefixes); docs/search.md has the plans.
 */
@Injectable()
export class SearchRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The lexemes the `simple` parser makes of `words` once folded, as it made the bodies': asked of
   * PostgreSQL, so both sides are split and folded by the same code.
   */
  async lexemes(words: string[]): Promise<string[]> {
    const [row] = await this.prisma.$queryRaw<{ lexemes: string[] | null }[]>`
      SELECT array_agg(lexeme) AS lexemes FROM unnest(to_tsvector('simple'::regconfig, search_fold(${words.join(' ')}::text)))`;
    return row?.lexemes ?? [];
  }

  /**
   * `prefixes` is a tsquery (see `prefixQuery`), sent as a value rather than computed in the query:
   * the planner then estimates it from the column's statistics, and reads the word index for a
   * rare prefix but the caller's own messages for a common one (`mo` is in one message in eight).
   */
  messages(terms: { substrings: string[]; prefixes: string | null }, scope: SearchScope): Promise<MessageSource[]> {
    const conditions = [
      Prisma.sql`cm.user_id = ${scope.userId}::uuid`,
      Prisma.sql`cm.status = 'accepted'`,
      Prisma.sql`m.seq > cm.hidden_before_seq`,
      Prisma.sql`m.deleted_at IS NULL`,
      ...terms.substrings.map(contains),
    ];
    if (terms.prefixes !== null) conditions.push(Prisma.sql`m.search_vector @@ ${terms.prefixes}::tsquery`);
    conditions.push(
      scope.conversationId
        ? Prisma.sql`cm.conversation_id = ${scope.conversationId}::uuid AND m.conversation_id = ${scope.conversationId}::uuid`
        : // The join says the same; said as an array, it lets the planner AND the user's messages
          // (by conversation) with the trigram or word matches in one bitmap, rather than either
          // check every message of the user's conversations or every match of everyone's.
          Prisma.sql`m.conversation_id = ANY (ARRAY(
            SELECT conversation_id FROM conversation_members WHERE user_id = ${scope.userId}::uuid AND status = 'accepted'))`,
    );
    if (scope.before) {
      conditions.push(
        Prisma.sql`(m.created_at, m.id) < (${scope.before.createdAt}::timestamptz, ${scope.before.id}::uuid)`,
      );
    }
    return this.prisma.$queryRaw<MessageSource[]>`
      SELECT ${MESSAGE_COLUMNS}
      FROM conversation_members cm JOIN messages m ON m.conversation_id = cm.conversation_id
      WHERE ${Prisma.join(conditions, ' AND ')}
      ORDER BY m.created_at DESC, m.id DESC
      LIMIT ${scope.limit}`;
  }
}
