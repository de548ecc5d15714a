declare module '#src/common/events/chat-events.js' {
  interface ChatEventMap {
    /** An account was deleted; `eraseMessages`: the erasure of its messages was recorded with the deletion. */
    'account.deleted': { userId: string; eraseMessages: boolean };
  }
}

export {};
