declare module '#src/common/events/chat-events.js' {
  interface ChatEventMap {
    /** Sessions of the user were revoked: their sockets are closed, on every instance. */
    'session.revoked': { userId: string; sessionIds: string[] };
  }
}

export {};
