import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { JsonText } from '#src/common/pagination/json-text.js';
import { toMessageView } from '#src/conversations/message.presenter.js';
import { CacheMetrics } from '#src/infra/cache/cache.metrics.js';
import { CacheService, FENCE_TTL_MS } from '#src/infra/cache/cache.service.js';
import { RebuildLock } from '#src/infra/cache/rebuild-lock.js';
import type { WarmTarget } from '#src/infra/cache/warm-target.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { REDIS } from '#src/infra/redis/redis.tokens.js';
import type { MessageRecord } from './message-record.js';

/** How many of the newest timeline messages each conversation keeps in Redis: the largest page a client can ask for. */
export const LATEST_WINDOW = 100;
/** The window keeps one more, which tells whether a full page has older messages. */
const KEPT = LATEST_WINDOW + 1;
/**
 * A change that has not reached the window this long after it began is taken as lost (its
 * instance died between the commit and the Redis write): the window is then dropped. Until then a
 * window with a change under way is not served.
 */
export const LOST_CHANGE_MS = 5000;
/** Scored 0 at position 0, below every message: it tells that the window reaches the conversation's first message. */
const START = '0|0|start';
const CACHE = 'latest-messages';

/** Notes a change under way (token scored by the server's time), for at least as long as the window lives. */
const BEGIN_SCRIPT = `
local now = redis.call('TIME')
redis.call('ZADD', KEYS[1], now[1] * 1000 + math.floor(now[2] / 1000), ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
`;

/**
 * Stores a message unless the set holds a newer version of it, and clears the change's token.
 * When the set is missing, moves the fence instead: a rebuild that loaded before this change will
 * then not store its copy.
 */
const PUT_SCRIPT = `
redis.call('ZREM', KEYS[3], ARGV[8])
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[2], ARGV[7], 'PX', ARGV[6])
  return 0
end
local current = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])
for _, member in ipairs(current) do
  local version = tonumber(string.match(member, '^(%d+)|'))
  if version and version >= tonumber(ARGV[2]) then return 0 end
end
if #current == 0 then
  local lowest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if lowest[2] and tonumber(ARGV[1]) < tonumber(lowest[2]) then return 0 end
end
for _, member in ipairs(current) do redis.call('ZREM', KEYS[1], member) end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[4]) + 1))
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
`;

/** Stores a freshly loaded window, unless the fence moved while it was loading or another rebuild won. */
const FILL_SCRIPT = `
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[2] or redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('ZADD', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
`;

/**
 * The newest entries of the window, newest first, with scores. When there is no window, the fence
 * (a string) instead; when a change is under way, 0. A change older than LOST_CHANGE_MS drops the
 * window (and moves the fence): it may have been committed and never written here.
 */
const READ_SCRIPT = `
if redis.call('EXISTS', KEYS[3]) == 1 then
  local now = redis.call('TIME')
  local lost = now[1] * 1000 + math.floor(now[2] / 1000) - tonumber(ARGV[2])
  if redis.call('ZCOUNT', KEYS[3], '-inf', lost) > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', lost)
    redis.call('UNLINK', KEYS[1])
    redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
    return ARGV[3]
  end
  if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
end
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.call('GET', KEYS[2]) or '' end
return redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
`;

type Commands = {
  latestBegin(changing: string, token: string, ttl: number): Promise<number>;
  latestPut(
    set: string,
    fence: string,
    changing: string,
    seq: number,
    version: string,
    member: string,
    keep: number,
    ttl: number,
    fenceMs: number,
    newFence: string,
    token: string,
  ): Promise<number>;
  latestFill(
    set: string,
    fence: string,
    ttl: number,
    seenFence: string,
    ...scoredMembers: (string | number)[]
  ): Promise<number>;
  latestRead(
    set: string,
    fence: string,
    changing: string,
    count: number,
    lostMs: number,
    newFence: string,
    fenceMs: number,
  ): Promise<string[] | string | number>;
};

/** A window entry: `<version>|<timeline position>|<message JSON>`. */
const member = (record: MessageRecord) =>
  `${record.version}|${record.timelinePosition}|${JSON.stringify(toMessageView(record))}`;
const keysOf = (conversationId: string) => {
  const set = RedisKeys.latestMessages(conversationId);
  return { set, fence: RedisKeys.cacheFence(set), changing: RedisKeys.latestMessagesChanging(conversationId) };
};

/** `{ items, hasMore }` from messages already in JSON, in ascending seq; hasMore: older ones are visible. */
export const messagePage = (items: string[], hasMore: boolean): JsonText => JsonText.page(items, 'hasMore', hasMore);

/**
 * The page a window read from Redis makes ([member, seq, member, seq, …]: its newest `limit + 1`
 * entries, newest first): the newest `limit` timeline messages above `floor` (the caller's hide
 * point), or null when the entries cannot be trusted for this page. Timeline positions tell a gap
 * (a change still on its way), where seqs cannot: thread replies take seqs between them. The run
 * is known to hold every visible message only when it goes on past them, to one at or below the
 * hide point or to the start.
 */
export function windowPage(reply: string[], floor: number, limit: number): JsonText | null {
  const entries: { seq: number; position: number; json: string }[] = [];
  for (let i = 0; i < reply.length; i += 2) {
    const stored = reply[i];
    const afterVersion = stored.indexOf('|') + 1;
    const afterPosition = stored.indexOf('|', afterVersion) + 1;
    const position = Number(stored.slice(afterVersion, afterPosition - 1));
    if (i > 0 && position !== entries[entries.length - 1].position - 1) return null;
    entries.push({ seq: Number(reply[i + 1]), position, json: stored.slice(afterPosition) });
  }
  const visible = entries.filter((entry) => entry.seq > floor);
  if (visible.length <= limit && visible.length === entries.length) return null;
  return messagePage(
    visible
      .slice(0, limit)
      .reverse()
      .map((entry) => entry.json),
    visible.length > limit,
  );
}

/** The page of the newest `limit` messages above `floor` from a window loaded from Postgres (newest first, KEPT of them at most). */
export function loadedPage(window: MessageRecord[], floor: number, limit: number): JsonText {
  const visible = window.filter((record) => record.seq > floor);
  return messagePage(
    visible
      .slice(0, limit)
      .reverse()
      .map((record) => JSON.stringify(toMessageView(record))),
    visible.length > limit,
  );
}

export class LatestMessagesSettings extends configSlice('CONVERSATION_CACHE_TTL_SECONDS') {}

/**
 * The newest timeline messages of each conversation (thread replies are not in it) in a Redis
 * sorted set scored by seq, so the latest page never touches Postgres when warm. Sends append,
 * edits, deletions, reactions and a root's new thread summary replace (a newer version is never
 * overwritten by an older one), and the set is trimmed to KEPT. A set is only served when it is a
 * gap-free run of timeline positions reaching the page's end, and no change is under
 * way (noted before its commit, cleared by its Redis write): anything else reads Postgres, so a
 * change whose Redis write never came (a crash, a failed write) is never hidden by the window.
 */
@Injectable()
export class LatestMessagesCache {
  private readonly commands: Commands;
  private readonly ttlSeconds: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly cache: CacheService,
    private readonly metrics: CacheMetrics,
    private readonly lock: RebuildLock,
    settings: LatestMessagesSettings,
  ) {
    redis.defineCommand('latestBegin', { numberOfKeys: 1, lua: BEGIN_SCRIPT });
    redis.defineCommand('latestPut', { numberOfKeys: 3, lua: PUT_SCRIPT });
    redis.defineCommand('latestFill', { numberOfKeys: 2, lua: FILL_SCRIPT });
    redis.defineCommand('latestRead', { numberOfKeys: 3, lua: READ_SCRIPT });
    this.commands = redis as unknown as Commands;
    this.ttlSeconds = settings.CONVERSATION_CACHE_TTL_SECONDS;
  }

  /**
   * The newest `limit` timeline messages above seq `floor` (the caller's hide point), ascending,
   * from Redis when it holds them, else from `load` (the newest `count` timeline messages, newest
   * first), which then fills the set.
   */
  async page(
    conversationId: string,
    floor: number,
    limit: number,
    load: (count: number) => Promise<MessageRecord[]>,
  ): Promise<{ value: JsonText; hit: boolean }> {
    const cached = await this.read(conversationId, floor, limit);
    this.metrics.lookedUp(CACHE, 'page' in cached);
    if ('page' in cached) return { value: cached.page, hit: true };
    const done = this.metrics.startLoad(CACHE);
    const window = await load(KEPT).finally(done);
    if (cached.fence !== undefined) await this.fill(conversationId, cached.fence, window);
    return { value: loadedPage(window, floor, limit), hit: false };
  }

  /**
   * The window to fill ahead of its reads, as `page` fills it on a miss (`load` as there), under the
   * window's rebuild lock: one instance at a time loads it, and one that finds the lock taken
   * leaves it to the holder.
   */
  warming(conversationId: string, load: (count: number) => Promise<MessageRecord[]>): WarmTarget {
    return { cache: CACHE, key: keysOf(conversationId).set, warm: () => this.warm(conversationId, load) };
  }

  private async warm(conversationId: string, load: (count: number) => Promise<MessageRecord[]>): Promise<boolean> {
    const keys = keysOf(conversationId);
    if (!this.cache.serves(keys.set)) return false;
    const release = await this.lock.tryAcquire(keys.set).catch(() => undefined);
    if (!release) return false;
    try {
      const cached = await this.read(conversationId, 0, 1);
      // Already there, or a change under way (its write fills it): nothing to do.
      if (!('fence' in cached) || cached.fence === undefined) return false;
      const done = this.metrics.startLoad(CACHE);
      const window = await load(KEPT).finally(done);
      await this.fill(conversationId, cached.fence, window);
      return true;
    } finally {
      await release();
    }
  }

  /**
   * Runs `write`, a change to the conversation's messages, with the window marked as changing from
   * before it until `changed` (the message it stored or changed; none when it changed nothing)
   * reaches the window. When `write` throws, the window is dropped: whether it committed is unknown.
   * `alongside`, what else the committed write changes in Redis, is sent with the window's write: one
   * round trip for both.
   */
  async change<T>(
    conversationId: string,
    write: () => Promise<T>,
    changed: (result: T) => MessageRecord | null | undefined,
    alongside: (result: T) => Promise<void> = () => Promise.resolve(),
  ): Promise<T> {
    if (!this.cache.enabled) {
      const result = await write();
      await alongside(result);
      return result;
    }
    const keys = keysOf(conversationId);
    const token = randomUUID();
    // Unreachable, the change goes on: its Redis write will fail too, and be made up for.
    await this.commands.latestBegin(keys.changing, token, this.ttlSeconds + 60).catch(() => undefined);
    let result: T;
    try {
      result = await write();
    } catch (error) {
      await this.cache.invalidate(keys.set);
      await this.settle(keys.changing, token);
      throw error;
    }
    const record = changed(result);
    // Thread replies are not in the window; a reply shows there only as its root's new summary.
    const windowWrite =
      record && record.threadRootId === null ? this.put(keys, record, token) : this.settle(keys.changing, token);
    await Promise.all([windowWrite, alongside(result)]);
    return result;
  }

  /**
   * Runs `write`, a change to many of the conversation's messages at once (an erasure), with the
   * window marked as changing from before it, then drops the window instead of replacing entry
   * after entry: the next read rebuilds it from Postgres, after the change.
   */
  async changeMany<T>(conversationId: string, write: () => Promise<T>): Promise<T> {
    if (!this.cache.enabled) return write();
    const keys = keysOf(conversationId);
    const token = randomUUID();
    await this.commands.latestBegin(keys.changing, token, this.ttlSeconds + 60).catch(() => undefined);
    try {
      return await write();
    } finally {
      await this.cache.invalidate(keys.set);
      await this.settle(keys.changing, token);
    }
  }

  private async put(keys: ReturnType<typeof keysOf>, record: MessageRecord, token: string): Promise<void> {
    await this.commands
      .latestPut(
        keys.set,
        keys.fence,
        keys.changing,
        record.seq,
        String(record.version),
        member(record),
        KEPT,
        this.ttlSeconds,
        FENCE_TTL_MS,
        randomUUID(),
        token,
      )
      .catch((error) => this.cache.updateFailed(keys.set, error));
  }

  /** Clears a change that left the window as it is; should that fail, the change is taken as lost in time. */
  private async settle(changing: string, token: string): Promise<void> {
    await this.redis.zrem(changing, token).catch(() => undefined);
  }

  /**
   * The page from Redis, or else the fence to fill the window under (none when the window is there
   * but not usable for this page, or Redis is not to be used).
   */
  private async read(
    conversationId: string,
    floor: number,
    limit: number,
  ): Promise<{ page: JsonText } | { fence?: string }> {
    const keys = keysOf(conversationId);
    if (!this.cache.serves(keys.set)) return {};
    const reply = await this.commands
      .latestRead(keys.set, keys.fence, keys.changing, limit + 1, LOST_CHANGE_MS, randomUUID(), FENCE_TTL_MS)
      .catch(() => undefined);
    if (reply === undefined || typeof reply === 'number') return {};
    if (typeof reply === 'string') return { fence: reply };
    const page = windowPage(reply, floor, limit);
    return page ? { page } : {};
  }

  private async fill(conversationId: string, fence: string, window: MessageRecord[]): Promise<void> {
    const keys = keysOf(conversationId);
    // This process failed to update the window since: what it loaded may be older than what Redis missed.
    if (!this.cache.serves(keys.set)) return;
    const scored = window.flatMap((record) => [record.seq, member(record)]);
    if (window.length < KEPT) scored.push(0, START);
    await this.commands.latestFill(keys.set, keys.fence, this.ttlSeconds, fence, ...scored).catch(() => undefined);
  }
}
