import type { Audience } from '#src/common/events/chat-events.js';
import type { ModerationMute } from './conversation-meta.js';

/** What a conversation looks like to anyone in it: the fields that do not depend on who is looking. */
export interface ConversationSummary {
  id: string;
  type: 'direct' | 'group';
  title: string | null;
  slowModeSeconds: number;
  frozen: boolean;
  memberCount: number;
  createdAt: string;
  lastActivityAt: string;
}

declare module '#src/common/events/chat-events.js' {
  interface ChatEventMap {
    'conversation.created': Audience & { conversation: ConversationSummary };
    'conversation.updated': Audience & { conversation: ConversationSummary };
    'member.added': Audience & { conversationId: string; userIds: string[]; actorId: string };
    'member.removed': Audience & { conversationId: string; userId: string };
    /** A member was muted or unmuted by the group's owner or an admin. */
    'member.updated': Audience & { conversationId: string; userId: string; moderationMute: ModerationMute | null };
    /** `memberIds` is only the reader when they do not share their marks (see `markAudience`). */
    read: Audience & { conversationId: string; userId: string; seq: number };
    /**
     * A delivery mark moved (never for a move a read implies: the `read` event says it). The same
     * audience rule as `read`.
     */
    delivered: Audience & { conversationId: string; userId: string; seq: number };
    /** A direct conversation opened as a message request to `recipientId`. */
    'request.created': { conversationId: string; senderId: string; recipientId: string };
  }
}
