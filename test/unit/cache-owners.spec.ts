import { BotKeyCache, BotKeyCacheSettings } from '#src/auth/bot-key-cache.js';
import { ConversationCache, ConversationCacheSettings } from '#src/conversations/conversation-cache.js';
import type { MembersRepository } from '#src/conversations/members.repository.js';
import type { CacheService } from '#src/infra/cache/cache.service.js';
import { RedisKeys } from '#src/infra/redis/redis-keys.js';
import { NotificationCache, NotificationCacheSettings } from '#src/notifications/notification-cache.js';
import { ProfileWatchers } from '#src/users/profile-watchers.js';
import { UserCache, UserCacheSettings } from '#src/users/user-cache.js';
import { settingsSlice } from '../support/unit/test-service.js';

/** A CacheService that records the keys of each invalidation. */
function recordingCache() {
  const invalidated: string[][] = [];
  const cache = {
    invalidate: (...keys: string[]) => {
      invalidated.push(keys);
      return Promise.resolve();
    },
  } as unknown as CacheService;
  return { cache, invalidated, keys: () => invalidated.flat().sort() };
}

const lists = (...userIds: string[]) =>
  userIds.flatMap((id) => [RedisKeys.conversationList(id), RedisKeys.conversationUnread(id)]);
const sorted = (keys: string[]) => [...keys].sort();

describe('what each write makes stale', () => {
  const coMembers: Record<string, string[]> = { ann: ['ann', 'bob', 'cid'] };
  const members = { coMemberIds: (userId: string) => Promise.resolve(coMembers[userId] ?? []) } as MembersRepository;

  const setUp = () => {
    const recorded = recordingCache();
    const watchers = new ProfileWatchers();
    const conversations = new ConversationCache(
      recorded.cache,
      members,
      watchers,
      settingsSlice(ConversationCacheSettings),
    );
    const users = new UserCache(recorded.cache, watchers, settingsSlice(UserCacheSettings));
    const notifications = new NotificationCache(recorded.cache, settingsSlice(NotificationCacheSettings));
    const botKeys = new BotKeyCache(recorded.cache, settingsSlice(BotKeyCacheSettings));
    return { ...recorded, conversations, users, notifications, botKeys };
  };

  it.each([
    ['conversationCreated', (c: ConversationCache) => c.conversationCreated(['ann', 'bob']), lists('ann', 'bob')],
    [
      'conversationChanged',
      (c: ConversationCache) => c.conversationChanged('c1', ['ann', 'bob']),
      [RedisKeys.conversationMeta('c1'), ...lists('ann', 'bob')],
    ],
    [
      'membershipChanged',
      (c: ConversationCache) => c.membershipChanged('c1', ['ann', 'bob', 'ann']),
      [RedisKeys.conversationMeta('c1'), ...lists('ann', 'bob')],
    ],
    [
      'memberSettingChanged',
      (c: ConversationCache) => c.memberSettingChanged('c1', 'bob'),
      [RedisKeys.conversationMeta('c1'), ...lists('bob')],
    ],
    [
      'memberModerated',
      (c: ConversationCache) => c.memberModerated('c1', ['ann', 'bob']),
      [RedisKeys.conversationMeta('c1'), ...lists('ann', 'bob')],
    ],
    ['messageStored', (c: ConversationCache) => c.messageStored(['ann', 'bob']), lists('ann', 'bob')],
    [
      'messageChanged, the last message',
      (c: ConversationCache) => c.messageChanged(['ann', 'bob'], { isLast: true }),
      lists('ann', 'bob'),
    ],
    ['messageChanged, an older message', (c: ConversationCache) => c.messageChanged(['ann'], { isLast: false }), []],
    ['mentionDeleted', (c: ConversationCache) => c.mentionDeleted(['bob', 'cid']), lists('bob', 'cid')],
    ['readMarkMoved', (c: ConversationCache) => c.readMarkMoved('bob'), lists('bob')],
    ['profileChanged', (c: ConversationCache) => c.profileChanged('ann'), lists('ann', 'bob', 'cid')],
  ])('conversations: %s', async (_name, write, expected) => {
    const { conversations, keys } = setUp();
    await write(conversations);
    expect(keys()).toEqual(sorted(expected));
  });

  it('users: a profile change or a deletion drops the profile, the account view and every list that shows the user', async () => {
    const { users, keys } = setUp();
    await users.profileChanged('ann');
    expect(keys()).toEqual(
      sorted([RedisKeys.userProfile('ann'), RedisKeys.userMe('ann'), ...lists('ann', 'bob', 'cid')]),
    );
  });

  it('users: a change of settings alone drops the account view only (no other cached view shows them)', async () => {
    const { users, keys } = setUp();
    await users.settingsChanged('ann');
    expect(keys()).toEqual([RedisKeys.userMe('ann')]);
  });

  it("bots: a deletion drops the cached owner of each of the bot's keys, and nothing else", async () => {
    const { botKeys, keys } = setUp();
    const [a, b] = ['a'.repeat(64), 'b'.repeat(64)];
    await botKeys.keysRevoked([a, b]);
    expect(keys()).toEqual(sorted([RedisKeys.botKey(a), RedisKeys.botKey(b)]));
  });

  it('notifications: new ones and read marks drop the users’ unread counts, once each', async () => {
    const { notifications, keys, invalidated } = setUp();
    await notifications.notificationsStored(['ann', 'bob', 'ann']);
    expect(keys()).toEqual(sorted([RedisKeys.notificationUnread('ann'), RedisKeys.notificationUnread('bob')]));
    invalidated.length = 0;
    await notifications.notificationsRead('cid');
    expect(keys()).toEqual([RedisKeys.notificationUnread('cid')]);
  });
});
