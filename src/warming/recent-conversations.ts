import { Injectable } from '@nestjs/common';
import { ChatEvents } from '#src/common/events/chat-events.js';

/** Conversations remembered, the least recently active forgotten first. */
const KEPT = 1000;

/**
 * The conversations messages were sent to through this instance lately, the latest first: where
 * members are reading now, so the latest-message windows worth rebuilding first after Redis lost
 * them. Kept in memory from the sends themselves (one map update each), at no query.
 */
@Injectable()
export class RecentConversations {
  /** Conversation id → time of its last send here; insertion order is recency order. */
  private readonly lastSend = new Map<string, number>();

  constructor(events: ChatEvents) {
    events.on('message.created', ({ conversationId }) => this.sent(conversationId));
  }

  /** The conversations with a send here in the last `ms`, the latest first. */
  activeWithin(ms: number): string[] {
    const from = Date.now() - ms;
    const ids: string[] = [];
    for (const [id, at] of this.lastSend) if (at >= from) ids.push(id);
    return ids.reverse();
  }

  private sent(conversationId: string): void {
    this.lastSend.delete(conversationId);
    this.lastSend.set(conversationId, Date.now());
    if (this.lastSend.size > KEPT) this.lastSend.delete(this.lastSend.keys().next().value!);
  }
}
