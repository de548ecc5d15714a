import type { AppConfig } from '#src/infra/config/app-config.js';
import { validateEnv } from '#src/infra/config/env.validate.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-characters-long';

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is set by the global setup');
  return url;
}

export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is set by the global setup');
  return url;
}

/**
 * The configuration a test app runs with: the test servers and quiet logs. Test apps trust one
 * proxy hop (TRUST_PROXY=true): the right-most X-Forwarded-For entry is the client, so a test that
 * sends one value plays a client at that address.
 */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  const env = validateEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SHUTDOWN_DRAIN_MS: '0', TRUST_PROXY: 'true' });
  return {
    ...env,
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: testRedisUrl(),
    JWT_SECRET: TEST_JWT_SECRET,
    ...overrides,
  };
}
