import { RedisKeys, redisKey, redisKeyPattern, taggedKey } from '#src/infra/redis/redis-keys.js';

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
    expect(tag(RedisKeys.latestMessagesFence(id))).toBe(id);
  });

  it('builds SCAN patterns for one area and entity', () => {
    expect(redisKeyPattern('user', 'profile')).toBe('user:profile:*');
    expect(() => redisKeyPattern('user*', 'profile')).toThrow();
  });
});
