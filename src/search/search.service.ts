import { Injectable } from '@nestjs/common';
import { decodeCursor, isCursorId, isCursorTime, toPage, type Page } from '#src/common/pagination/pagination.js';
import { ConversationAccess } from '#src/conversations/conversation-access.service.js';
import { toMessageView, type MessageView } from '#src/conversations/message.presenter.js';
import type { MessageSearchDto } from './dto/message-search.dto.js';
import { isEmpty, prefixMatch, prefixQuery, searchTerms, type PrefixCondition } from './search-terms.js';
import { SearchRepository, type SearchPosition } from './search.repository.js';

export interface MessageHit {
  message: MessageView;
  conversationId: string;
}

const isPosition = (value: unknown): value is SearchPosition =>
  isCursorTime((value as SearchPosition | null)?.createdAt) && isCursorId((value as SearchPosition).id);

/** Finding messages across the caller's conversations, most recent first. */
@Injectable()
export class SearchService {
  constructor(
    private readonly search: SearchRepository,
    private readonly access: ConversationAccess,
  ) {}

  async messages(userId: string, query: MessageSearchDto): Promise<Page<MessageHit>> {
    const terms = searchTerms(query.q);
    const before = decodeCursor(query.cursor, isPosition);
    // An outsider learns nothing about the conversation, not even that it exists.
    if (query.conversationId) await this.access.requireMember(userId, query.conversationId);
    if (isEmpty(terms)) return { items: [], nextCursor: null };
    const scope = { userId, conversationId: query.conversationId };
    let prefixes: PrefixCondition | null = null;
    if (terms.prefixes.length > 0) {
      const { lexemes, visibleMessages } = await this.search.prefixContext(terms.prefixes, scope);
      // Short words the parser makes no word of match nothing, as they would in a body.
      if (lexemes.length === 0) return { items: [], nextCursor: null };
      prefixes = { query: prefixQuery(lexemes), match: prefixMatch(visibleMessages) };
    }
    const rows = await this.search.messages(
      { substrings: terms.substrings, prefixes },
      { ...scope, before, limit: query.limit + 1 },
    );
    return toPage(
      rows,
      query.limit,
      (row) => ({ message: toMessageView(row), conversationId: row.conversationId }),
      (row) => ({ createdAt: row.createdAt.toISOString(), id: row.id }),
    );
  }
}
