import { RedisKeys, areaPatternOf, redisKey, redisKeyPattern, taggedKey } from '#src/infra/redis/redis-keys.js';

describe('redisKey', () => {
  it('builds <area>:<entity>:<id>[:<sub>]', () => {
    expect(redisKey('user', 'profile', '5f0c1c1e-0000-4000-8000-000000000001')).toBe(
      'user:profile:5f0c1c1e-0000-4000-8000-000000000001',
    );
    expect(redisKey('conv', 'messages', 42, 'latest')).toBe('conv:messages:42:latest');
  });

  it.each(['a:b', 'a*', 'a b', '{tag}', '', 'x?', 'x[1]', 'line\nbreak'])('refuses the segment %j', (bad) => {
    expect(() => redisKey('user', 'profile', bad)).toThrow(/invalid Redis key id/);
    expect(() => redisKey(bad, 'profile', 'id')).toThrow(/invalid Redis key area/);
  });

  it('builds hash-tagged keys, so that keys used together in a script share a Redis Cluster slot', () => {
    expect(taggedKey('conv', 'messages', 'abc', 'fence')).toBe('conv:messages:{abc}:fence');
    expect(() => taggedKey('conv', 'messages', '{abc}')).toThrow(/invalid Redis key id/);
    const id = '5f0c1c1e-0000-4000-8000-000000000001';
    const tag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];
    expect(tag(RedisKeys.latestMessages(id))).toBe(id);
    expect(tag(RedisKeys.latestMessagesChanging(id))).toBe(id);
  });

  it("puts a cached key's fence in the key's slot: under its hash tag, or the whole key as the tag", () => {
    const id = '5f0c1c1e-0000-4000-8000-000000000001';
    const tag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];
    expect(RedisKeys.cacheFence(RedisKeys.userProfile(id))).toBe(`cache:fence:{user:profile:${id}}`);
    expect(tag(RedisKeys.cacheFence(RedisKeys.conversationMeta(id)))).toBe(RedisKeys.conversationMeta(id));
    expect(tag(RedisKeys.cacheFence(RedisKeys.latestMessages(id)))).toBe(id);
  });

  it('names the SCAN pattern of the area a cached key belongs to', () => {
    const id = '5f0c1c1e-0000-4000-8000-000000000001';
    expect(areaPatternOf(RedisKeys.userProfile(id))).toBe('user:profile:*');
    expect(areaPatternOf(RedisKeys.latestMessages(id))).toBe('conv:timeline:*');
  });

  it('builds SCAN patterns for one area and entity', () => {
    expect(redisKeyPattern('user', 'profile')).toBe('user:profile:*');
    expect(() => redisKeyPattern('user*', 'profile')).toThrow();
  });
});
