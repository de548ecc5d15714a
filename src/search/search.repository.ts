import { Injectable } from '@nestjs/common';
import { Prisma } from '#src/generated/prisma/client.js';
import { MESSAGE_COLUMNS } from '#src/conversations/message-columns.js';
import type { MessageSource } from '#src/conversations/message.presenter.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { PrefixCondition } from './search-terms.js';

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
 * that folds to nothing matches nothing, rather than `%%`, everything. `searchTerms` already leaves
 * such words out, folding with JavaScript's Unicode tables; this holds if PostgreSQL's differ.
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
   * What prefix words need before the search: the lexemes the `simple` parser makes of them once
   * folded, as it made the bodies' (asked of PostgreSQL, so both sides are split and folded by the
   * same code), and how many messages the caller can see where the search looks (see `prefixMatch`).
   */
  async prefixContext(
    words: string[],
    scope: Pick<SearchScope, 'userId' | 'conversationId'>,
  ): Promise<{ lexemes: string[]; visibleMessages: number }> {
    const [row] = await this.prisma.$queryRaw<{ lexemes: string[] | null; visible: number }[]>`
      SELECT
        (SELECT array_agg(lexeme) FROM unnest(to_tsvector('simple'::regconfig, search_fold(${words.join(' ')}::text))))
          AS lexemes,
        (SELECT coalesce(sum(c.last_seq - cm.hidden_before_seq), 0)::float8
         FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id
         WHERE cm.user_id = ${scope.userId}::uuid AND cm.status = 'accepted'
           ${scope.conversationId ? Prisma.sql`AND cm.conversation_id = ${scope.conversationId}::uuid` : Prisma.empty}) AS visible`;
    return { lexemes: row?.lexemes ?? [], visibleMessages: row?.visible ?? 0 };
  }

  /**
   * `prefixes.query` is a tsquery (see `prefixQuery`). Matched by `scan`, it is checked with
   * `ts_match_vq`, the function behind `@@`, which no index serves: the planner then reads the
   * caller's messages. By `index`, it is `@@`, and the planner may AND the word index with them.
   */
  messages(
    terms: { substrings: string[]; prefixes: PrefixCondition | null },
    scope: SearchScope,
  ): Promise<MessageSource[]> {
    const conditions = [
      Prisma.sql`cm.user_id = ${scope.userId}::uuid`,
      Prisma.sql`cm.status = 'accepted'`,
      Prisma.sql`m.seq > cm.hidden_before_seq`,
      Prisma.sql`m.deleted_at IS NULL`,
      ...terms.substrings.map(contains),
    ];
    if (terms.prefixes?.match === 'scan') {
      conditions.push(Prisma.sql`ts_match_vq(m.search_vector, ${terms.prefixes.query}::tsquery)`);
    } else if (terms.prefixes) {
      conditions.push(Prisma.sql`m.search_vector @@ ${terms.prefixes.query}::tsquery`);
    }
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
