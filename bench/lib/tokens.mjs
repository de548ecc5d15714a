import { createHmac, randomUUID } from 'node:crypto';

const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An access token as the service issues it (HS256 JWT with `sub`, `sid`, `jti`), signed with the
 * secret the benchmark gives its instances: a thousand users are signed in without a thousand
 * argon2 logins, which the login rate limit would refuse anyway.
 */
export function accessToken(secret, userId, sessionId, ttlSeconds = 6 * 3600) {
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: userId, sid: sessionId, jti: randomUUID(), iat: now, exp: now + ttlSeconds })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
