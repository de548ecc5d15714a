import { redisKey, redisKeyPattern } from '#src/infra/redis/redis-keys.js';

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

  it('builds SCAN patterns for one area and entity', () => {
    expect(redisKeyPattern('user', 'profile')).toBe('user:profile:*');
    expect(() => redisKeyPattern('user*', 'profile')).toThrow();
  });
});
