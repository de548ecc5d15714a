import { Injectable } from '@nestjs/common';
import { toConversationView, type ConversationView } from './conversation.presenter.js';
import {
  ConversationsRepository,
  type ConversationEntryRow,
  type ListPosition,
  type MemberRow,
} from './conversations.repository.js';
import { toMessageView, type MessageView } from './message.presenter.js';

/** Members shown with each conversation of a list. */
const LIST_PREVIEW_MEMBERS = 5;
/** A group's whole membership (the detail view). */
const ALL_MEMBERS = 500;

const groupBy = <T>(rows: T[], key: (row: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
};

/**
 * Assembles conversation views: entries, their last messages and first members, in a fixed three
 * queries whatever the number of conversations (no query per conversation).
 */
@Injectable()
export class ConversationViews {
  constructor(private readonly conversations: ConversationsRepository) {}

  async list(userId: string, limit: number, after?: ListPosition): Promise<ConversationView[]> {
    return this.assemble(await this.conversations.listEntries(userId, limit, after), LIST_PREVIEW_MEMBERS);
  }

  /** The conversation as `userId` sees it, with every member; null when they are not a member. */
  async detail(userId: string, conversationId: string): Promise<ConversationView | null> {
    const entry = await this.conversations.findEntry(userId, conversationId);
    if (!entry) return null;
    const [view] = await this.assemble([entry], ALL_MEMBERS);
    return view;
  }

  private async assemble(entries: ConversationEntryRow[], membersEach: number): Promise<ConversationView[]> {
    const [messages, members] = await Promise.all([
      this.conversations.messagesAt(
        entries.filter((entry) => entry.lastSeq > 0).map((entry) => ({ conversationId: entry.id, seq: entry.lastSeq })),
      ),
      this.conversations.firstMembers(
        entries.map((entry) => entry.id),
        membersEach,
      ),
    ]);
    const lastMessages = new Map<string, MessageView>(
      messages.map((message) => [message.conversationId, toMessageView(message)]),
    );
    const membersOf = groupBy<MemberRow>(members, (member) => member.conversationId);
    return entries.map((entry) =>
      toConversationView(entry, membersOf.get(entry.id) ?? [], lastMessages.get(entry.id) ?? null),
    );
  }
}
