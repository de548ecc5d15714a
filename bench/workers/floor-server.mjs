// The floor: a bare Fastify server that answers the same Redis read as the cached conversation
// list (GET the user's list key, decode it, send the first page's JSON), with no framework, auth,
// session check, validation, metrics or logging.
// The app's cached route compared to this shows what everything around the read costs.
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { unpack } from 'msgpackr';
import { JsonText } from '../../dist/common/pagination/json-text.js';
import { RedisKeys } from '../../dist/infra/redis/redis-keys.js';
import { ownCpuSeconds, serveCommands } from '../lib/processes.mjs';

/** The app's default page size. */
const PAGE = 20;
let app;
let redis;

serveCommands({
  async start({ redisUrl }) {
    redis = new Redis(redisUrl);
    app = Fastify();
    app.get('/conversations/:userId', async (request, reply) => {
      const cached = await redis.getBuffer(RedisKeys.conversationList(request.params.userId));
      if (!cached) return reply.code(404).send({ code: 'NOT_CACHED' });
      const { items, cursors } = unpack(cached);
      return JsonText.page(items.slice(0, PAGE), 'nextCursor', items.length > PAGE ? cursors[PAGE - 1] : null).send(
        reply,
      );
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: address, pid: process.pid };
  },
  cpu: () => ownCpuSeconds(),
});
