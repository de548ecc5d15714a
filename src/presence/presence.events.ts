import type { PresenceView } from './presence.presenter.js';

declare module '#src/common/events/chat-events.js' {
  interface ChatEventMap {
    /**
     * A user's first socket opened or last one closed, or a connected user's status changed (or
     * expired); `contactIds` are their contacts, the only ones told. Never published for an
     * invisible user, except the one that makes them look offline.
     */
    'presence.changed': PresenceView & { contactIds: string[] };
  }
}
