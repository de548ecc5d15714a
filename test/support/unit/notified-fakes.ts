import type { ConversationMeta } from '#src/conversations/conversation-meta.js';
import { notifiedFake } from './strict-fake.js';

type Load<T> = () => Promise<T>;
const readThrough = async <T>(load: Load<T>) => ({ value: await load(), hit: false });

/**
 * ConversationCache as a cache that always misses: reads come from the loader a service passes,
 * and whatever a write tells it is taken and recorded.
 */
export const conversationCache = () =>
  notifiedFake({
    meta: (_conversationId: string, load: Load<ConversationMeta | null>) => readThrough(load),
    list: (_userId: string, load: Load<unknown>) => readThrough(load),
    unread: (_userId: string, load: Load<unknown>) => readThrough(load),
  });

/** LatestMessagesCache with no window: a change is the write alone. */
export const latestMessages = () => notifiedFake({ change: <T>(_conversationId: string, write: Load<T>) => write() });

/** ChatEvents that hears what a service publishes and tells no one. */
export const chatEvents = () => notifiedFake({});
