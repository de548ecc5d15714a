/** The client for commands. Fails fast while disconnected: nothing waits on an offline queue. */
export const REDIS = Symbol('REDIS');
/** Publishes the Socket.IO adapter's traffic, apart from the commands client. Fails fast like it. */
export const REDIS_PUBLISHER = Symbol('REDIS_PUBLISHER');
/** The client in subscriber mode, for pub/sub only. Resubscribes by itself after a reconnect. */
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');
