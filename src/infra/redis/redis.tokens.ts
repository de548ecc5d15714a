/** The client for commands. Fails fast while disconnected: nothing waits on an offline queue. */
export const REDIS = Symbol('REDIS');
/** The client in subscriber mode, for pub/sub only. Resubscribes by itself after a reconnect. */
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');
