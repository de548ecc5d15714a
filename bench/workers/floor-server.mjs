// The floor: a bare Fastify server that answers the same Redis read as the cached conversation
// list (GET the user's list key, decode msgpack, reply JSON), with no framework, auth or metrics.
// The app's cached route compared to this shows what everything around the read costs.
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { unpack } from 'msgpackr';
import { RedisKeys } from '../../dist/infra/redis/redis-keys.js';
import { ownCpuSeconds, serveCommands } from '../lib/processes.mjs';

let app;
let redis;

serveCommands({
  async start({ redisUrl }) {
    redis = new Redis(redisUrl);
    app = Fastify();
    app.get('/conversations/:userId', async (request, reply) => {
      const cached = await redis.getBuffer(RedisKeys.conversationList(request.params.userId));
      if (!cached) return reply.code(404).send({ code: 'NOT_CACHED' });
      return unpack(cached);
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: address, pid: process.pid };
  },
  cpu: () => ownCpuSeconds(),
});
