import { EventEmitter } from 'node:events';
import { Injectable, Logger } from '@nestjs/common';
// Types only: the payloads are shaped by the features that publish them.
import type { MessageView } from '#src/conversations/message.presenter.js';
import type { NotificationView } from '#src/notifications/notification.presenter.js';
import type { PresenceView } from '#src/presence/presence.presenter.js';

/** What a conversation looks like to anyone in it: the fields that do not depend on who is looking. */
export interface ConversationSummary {
  id: string;
  type: 'direct' | 'group';
  title: string | null;
  memberCount: number;
  createdAt: string;
  lastActivityAt: string;
}

/** Everyone who must hear of a change in a conversation: its members, after the change. */
interface Audience {
  memberIds: string[];
}

/**
 * What happened, published by the feature that did it once it is stored. Listeners (the socket
 * gateway, notifications) react; publishers never wait for them and never learn of their failures.
 */
export interface ChatEventMap {
  'message.created': Audience & { conversationId: string; message: MessageView };
  'message.updated': Audience & { conversationId: string; message: MessageView };
  'message.deleted': Audience & { conversationId: string; messageId: string; seq: number };
  'reaction.updated': Audience & { conversationId: string; messageId: string; reactions: Record<string, number> };
  'conversation.created': Audience & { conversation: ConversationSummary };
  'conversation.updated': Audience & { conversation: ConversationSummary };
  'member.added': Audience & { conversationId: string; userIds: string[]; actorId: string };
  'member.removed': Audience & { conversationId: string; userId: string };
  read: Audience & { conversationId: string; userId: string; seq: number };
  /** `memberIds`: the members the typist may reach (blocks left out). */
  typing: Audience & { conversationId: string; userId: string; isTyping: boolean };
  /** A direct conversation opened as a message request to `recipientId`. */
  'request.created': { conversationId: string; senderId: string; recipientId: string };
  /** A notification was stored for `userId`. */
  'notification.created': { userId: string; notification: NotificationView };
  'session.revoked': { userId: string; sessionIds: string[] };
  /** A user's first socket opened or last one closed; `contactIds` are their contacts, the only ones told. */
  'presence.changed': PresenceView & { contactIds: string[] };
}

export type ChatEventName = keyof ChatEventMap;
type Listener<K extends ChatEventName> = (payload: ChatEventMap[K]) => void | Promise<void>;

/** The in-process bus of `ChatEventMap`, typed end to end. */
@Injectable()
export class ChatEvents {
  private readonly logger = new Logger(ChatEvents.name);
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per consumer and event; many consumers are fine.
    this.emitter.setMaxListeners(50);
  }

  publish<K extends ChatEventName>(name: K, payload: ChatEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  /** A listener's failure is logged; it never reaches the publisher or the other listeners. */
  on<K extends ChatEventName>(name: K, listener: Listener<K>): void {
    this.emitter.on(name, (payload: ChatEventMap[K]) => {
      try {
        void Promise.resolve(listener(payload)).catch((error: unknown) => this.failed(name, error));
      } catch (error) {
        this.failed(name, error);
      }
    });
  }

  private failed(name: string, error: unknown): void {
    this.logger.error({ err: error }, `a listener of ${name} failed`);
  }
}
