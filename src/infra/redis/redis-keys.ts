import { createHash } from 'node:crypto';

/**
 * Every Redis key is built here, as `<area>:<entity>:<id>[:<sub>]`, so the namespace stays
 * consistent and a key can never be forged from user input: each segment is checked to hold no
 * separator, glob character, hash-tag brace or whitespace.
 */
const SEGMENT = /^[A-Za-z0-9_.@-]{1,128}$/;

function segment(value: string | number, role: string): string {
  const text = String(value);
  if (!SEGMENT.test(text)) throw new Error(`invalid Redis key ${role}: ${JSON.stringify(text.slice(0, 40))}`);
  return text;
}

function join(area: string, entity: string, id: string, sub?: string): string {
  const parts = [segment(area, 'area'), segment(entity, 'entity'), id];
  if (sub !== undefined) parts.push(segment(sub, 'sub-key'));
  return parts.join(':');
}

export function redisKey(area: string, entity: string, id: string | number, sub?: string): string {
  return join(area, entity, segment(id, 'id'), sub);
}

/**
 * A key whose id is a Redis Cluster hash tag (`conv:messages:{id}:fence`): every key built with the
 * same id lands in the same slot, so one Lua script may use them together. The braces come from
 * here only; the id itself is checked like any segment.
 */
export function taggedKey(area: string, entity: string, id: string, sub?: string): string {
  return join(area, entity, `{${segment(id, 'id')}}`, sub);
}

/** A SCAN `MATCH` pattern for every key of one area and entity (never used with `KEYS`). */
export function redisKeyPattern(area: string, entity: string): string {
  return `${segment(area, 'area')}:${segment(entity, 'entity')}:*`;
}

/** A fixed-length stand-in for text that is long, or not fit to appear in a key (addresses, other keys). */
const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** The named keys of each feature. */
export const RedisKeys = {
  /** A revoked access token, kept for the token's remaining life. */
  revokedAccessToken: (jti: string) => redisKey('auth', 'revoked-jti', jti),
  /** Mirror of a session row: device, ip, times, and `revoked` 0/1. */
  session: (sessionId: string) => redisKey('auth', 'session', sessionId),
  /** Set for a minute after a session's last-active time was written. */
  sessionTouched: (sessionId: string) => redisKey('auth', 'session', sessionId, 'touched'),
  /** Which bot and session an API key (by its SHA-256, hex) belongs to (cache, invalidated when the bot is deleted). */
  botKey: (keyHash: string) => redisKey('auth', 'bot-key', keyHash),
  /** Public profile of a user (cache, invalidated on every change to it). */
  userProfile: (userId: string) => redisKey('user', 'profile', userId),
  /** The account's own view (`GET /users/me`), per user. */
  userMe: (userId: string) => redisKey('user', 'me', userId),
  /** A user's conversation list: its first page (up to 100), with last messages and unread counts, as JSON. */
  conversationList: (userId: string) => redisKey('conv', 'list-json', userId),
  /** A user's unread counts (`GET /conversations/unread`). */
  conversationUnread: (userId: string) => redisKey('conv', 'unread', userId),
  /** A conversation's metadata and member roles: every conversation route checks membership against it. */
  conversationMeta: (conversationId: string) => redisKey('conv', 'meta', conversationId),
  /**
   * The latest timeline messages of a conversation (no thread replies): a sorted set scored by seq,
   * each with its timeline position (hash-tagged: scripts use it with its fence).
   */
  latestMessages: (conversationId: string) => taggedKey('conv', 'timeline', conversationId),
  /** Changes to a conversation's messages under way (token scored by start time): the window is not served meanwhile. */
  latestMessagesChanging: (conversationId: string) => taggedKey('conv', 'timeline', conversationId, 'changing'),
  /** A user's unread notification count. */
  notificationUnread: (userId: string) => redisKey('notif', 'unread', userId),
  /** Sockets of a user per instance: a hash of instance id to count. */
  presenceUser: (userId: string) => redisKey('presence', 'user', userId),
  /** Live instances: a sorted set of instance ids scored by their last heartbeat (ms). */
  presenceInstances: () => redisKey('presence', 'instances', 'all'),
  /** Users with sockets on one instance, so its users can be set offline if it dies. */
  presenceInstanceUsers: (instanceId: string) => redisKey('presence', 'instance', instanceId),
  /** Held by the instance that sweeps a dead instance's users. */
  presenceSweepLock: (instanceId: string) => redisKey('presence', 'sweep', instanceId),
  /** Set while a user types in a conversation (expires by itself after a few seconds). */
  typing: (conversationId: string, userId: string) => redisKey('typing', 'conv', conversationId, userId),
  /**
   * Slow mode: the Redis time (ms) of the member's last message in the group, kept for the group's
   * interval. Set only when the previous one is older than the interval, in one script.
   */
  slowModeTurn: (conversationId: string, userId: string) => redisKey('slowmode', 'conv', conversationId, userId),
  /**
   * Moved by every invalidation of a cached key (a fresh token, kept a minute): a rebuild stores its
   * value only if the fence it read before loading is unchanged. In the key's Redis Cluster slot
   * (its hash tag, or the whole key as the tag), so one script may use both.
   */
  cacheFence: (key: string) => `cache:fence:${key.includes('{') ? key : `{${key}}`}`,
  /** Lock held while one process rebuilds a cached value (against stampedes). */
  cacheLock: (key: string) => redisKey('cache', 'lock', digest(key)),
  /** The hits within the sliding window of one limit, for one subject (hashed: addresses stay out of keys). */
  rateLimitHits: (limit: string, subject: string) => redisKey('ratelimit', limit, digest(subject), 'window'),
  /** The pub/sub channel an instance's `/health/pubsub` probe publishes to and listens on (a channel, not a key). */
  pubsubProbe: (instanceId: string) => redisKey('health', 'pubsub', instanceId),
};

/** Every cache area, by the cache name its metrics carry: what a Redis failover may have left stale. */
export const CACHE_AREAS = [
  { cache: 'bot-key', pattern: redisKeyPattern('auth', 'bot-key') },
  { cache: 'user-profile', pattern: redisKeyPattern('user', 'profile') },
  { cache: 'user-me', pattern: redisKeyPattern('user', 'me') },
  { cache: 'conversation-list', pattern: redisKeyPattern('conv', 'list-json') },
  { cache: 'conversation-unread', pattern: redisKeyPattern('conv', 'unread') },
  { cache: 'conversation-meta', pattern: redisKeyPattern('conv', 'meta') },
  { cache: 'latest-messages', pattern: redisKeyPattern('conv', 'timeline') },
  { cache: 'notification-unread', pattern: redisKeyPattern('notif', 'unread') },
] as const;

export const CACHE_AREA_PATTERNS: string[] = CACHE_AREAS.map((area) => area.pattern);

/** The SCAN pattern of the area a cached key belongs to (`user:profile:*` for `user:profile:<id>`). */
export function areaPatternOf(key: string): string {
  const [area, entity] = key.split(':');
  return redisKeyPattern(area, entity);
}
