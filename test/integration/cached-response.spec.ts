import { Controller, Get, Module, Param, Post } from '@nestjs/common';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { Public } from '#src/common/decorators/public.decorator.js';
import { AppError } from '#src/common/errors/app-error.js';
import { CacheService } from '#src/infra/cache/cache.service.js';
import { CachedResponse } from '#src/infra/cache/cached-response.decorator.js';
import { redisKey } from '#src/infra/redis/redis-keys.js';
import { bearer, register, type SignedIn } from '../support/auth-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** How many times each handler ran. */
const runs = { counter: 0, missing: 0, post: 0, mine: 0 };
const COUNTER_KEY = redisKey('test', 'counter', 'fixed');

@Controller('cache-probe')
class CacheProbeController {
  @Public()
  @Get('counter')
  @CachedResponse({ cache: 'probe-counter', ttlSeconds: () => 60, key: () => COUNTER_KEY })
  counter() {
    runs.counter += 1;
    return { runs: runs.counter };
  }

  @Public()
  @Get('missing')
  @CachedResponse({ cache: 'probe-missing', ttlSeconds: () => 60, key: () => redisKey('test', 'missing', 'fixed') })
  missing(): never {
    runs.missing += 1;
    throw new AppError(404, 'NOT_FOUND', 'Nothing here');
  }

  @Public()
  @Post('counter')
  @CachedResponse({ cache: 'probe-post', ttlSeconds: () => 60, key: () => redisKey('test', 'post', 'fixed') })
  post() {
    runs.post += 1;
    return { runs: runs.post };
  }

  @Public()
  @Get('echo/:id')
  @CachedResponse({
    cache: 'probe-echo',
    ttlSeconds: () => 60,
    key: (request) => redisKey('test', 'echo', (request.params as { id: string }).id),
  })
  echo(@Param('id') id: string) {
    return { id };
  }

  @Get('mine')
  @CachedResponse({
    cache: 'probe-mine',
    ttlSeconds: (settings) => settings.USER_PROFILE_CACHE_TTL_SECONDS,
    key: (request) => redisKey('test', 'mine', request.auth!.userId),
  })
  mine(@Caller() caller: AuthContext) {
    runs.mine += 1;
    return { userId: caller.userId, runs: runs.mine };
  }
}

@Module({ controllers: [CacheProbeController] })
class CacheProbeModule {}

describe('@CachedResponse', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, { extraModules: [CacheProbeModule] });
  });

  afterAll(() => t.close());

  it('serves a GET from the cache until it is invalidated', async () => {
    const first = await t.request('GET', '/cache-probe/counter');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const second = await t.request('GET', '/cache-probe/counter');
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.json()).toEqual(first.json());
    expect(runs.counter).toBe(1);

    await t.app.get(CacheService).invalidate(COUNTER_KEY);
    const third = await t.request('GET', '/cache-probe/counter');
    expect(third.headers.get('x-cache')).toBe('MISS');
    expect(third.json()).toEqual({ runs: 2 });
  });

  it('never caches an error', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await t.request('GET', '/cache-probe/missing');
      expect(response.status).toBe(404);
      expect(response.json().code).toBe('NOT_FOUND');
      expect(response.headers.get('x-cache')).not.toBe('HIT');
    }
    expect(runs.missing).toBe(2);
  });

  it('leaves other methods than GET alone', async () => {
    const responses = [
      await t.request('POST', '/cache-probe/counter'),
      await t.request('POST', '/cache-probe/counter'),
    ];
    expect(responses.map((response) => response.json())).toEqual([{ runs: 1 }, { runs: 2 }]);
    expect(responses.map((response) => response.headers.get('x-cache'))).toEqual([null, null]);
  });

  it('answers uncached when the request holds no valid key segment', async () => {
    const response = await t.request('GET', '/cache-probe/echo/a%3Ab');
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ id: 'a:b' });
    expect(response.headers.get('x-cache')).toBeNull();
  });

  describe('on a route scoped to the caller', () => {
    let a: SignedIn;
    let b: SignedIn;
    const mine = (user: SignedIn) => t.request('GET', '/cache-probe/mine', { headers: bearer(user.accessToken) });

    beforeAll(async () => {
      [a, b] = await Promise.all([register(t), register(t)]);
    });

    it("serves each user their own response, never the other's", async () => {
      const firstA = await mine(a);
      expect([firstA.headers.get('x-cache'), firstA.json().userId]).toEqual(['MISS', a.user.id]);
      // B asks right after A's response was cached.
      const firstB = await mine(b);
      expect([firstB.headers.get('x-cache'), firstB.json().userId]).toEqual(['MISS', b.user.id]);
      const [againA, againB] = [await mine(a), await mine(b)];
      expect([againA.headers.get('x-cache'), againA.json()]).toEqual(['HIT', firstA.json()]);
      expect([againB.headers.get('x-cache'), againB.json()]).toEqual(['HIT', firstB.json()]);
    });

    it('keeps users apart under concurrent requests, and refuses a caller without a token', async () => {
      const users = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b));
      const responses = await Promise.all(users.map(mine));
      responses.forEach((response, i) => expect(response.json().userId).toBe(users[i].user.id));
      expect((await t.request('GET', '/cache-probe/mine')).status).toBe(401);
    });
  });
});
