import type { Audience } from '#src/common/events/chat-events.js';
import type { MessageView, ThreadSummary } from '#src/conversations/message.presenter.js';

declare module '#src/common/events/chat-events.js' {
  interface ChatEventMap {
    'message.created': Audience & { conversationId: string; message: MessageView };
    'message.updated': Audience & { conversationId: string; message: MessageView };
    'message.deleted': Audience & { conversationId: string; messageId: string; seq: number };
    'reaction.updated': Audience & { conversationId: string; messageId: string; reactions: Record<string, number> };
    /** A reply moved its root's thread summary (the reply itself is a `message.created`). */
    'thread.updated': Audience & { conversationId: string; rootId: string; thread: ThreadSummary };
  }
}
