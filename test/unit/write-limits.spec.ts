import type { FastifyRequest } from 'fastify';
import { EnvSchema } from '#src/infra/config/env.schema.js';
import { WRITE_LIMITS, perUserPerMinute, userSubject } from '#src/infra/rate-limit/write-limits.js';
import { SEND_LIMIT } from '#src/messages/send-limit.js';

const requestOf = (auth?: { userId: string }) => ({ auth }) as unknown as FastifyRequest;

describe('per-user write limits', () => {
  const rules = [SEND_LIMIT, ...Object.values(WRITE_LIMITS)];

  it('count a REST request under the same subject as a socket event of the same user', () => {
    const rule = perUserPerMinute('test', 'MESSAGES_PER_MINUTE_PER_USER');
    expect(rule.by?.(requestOf({ userId: 'u-1' }))).toBe(userSubject('u-1'));
    expect(rule.by?.(requestOf({ userId: 'u-1' }))).not.toBe(userSubject('u-2'));
  });

  it('leave a request without a caller to the default subject (the client address)', () => {
    expect(perUserPerMinute('test', 'MESSAGES_PER_MINUTE_PER_USER').by?.(requestOf())).toBeUndefined();
  });

  it('each have a name and a setting of their own, the setting with a default, and a one-minute window', () => {
    const defaults = new EnvSchema() as unknown as Record<string, unknown>;
    expect(new Set(rules.map((rule) => rule.name)).size).toBe(rules.length);
    expect(new Set(rules.map((rule) => rule.limit)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.windowMs).toBe(60_000);
      expect(typeof rule.limit).toBe('string');
      expect(defaults[rule.limit as string]).toEqual(expect.any(Number));
    }
  });
});
