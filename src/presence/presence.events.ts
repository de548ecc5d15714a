import type { PresenceView } from './presence.presenter.js';

declare module '#src/common/events/chat-events.js' {
  interface ChatEventMap {
    /** A user's first socket opened or last one closed; `contactIds` are their contacts, the only ones told. */
    'presence.changed': PresenceView & { contactIds: string[] };
  }
}
