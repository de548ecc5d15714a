import type { Audience } from '#src/common/events/chat-events.js';

declare module '#src/common/events/chat-events.js' {
  interface ChatEventMap {
    /** `memberIds`: the members the typist may reach (blocks left out). */
    typing: Audience & { conversationId: string; userId: string; isTyping: boolean };
  }
}
