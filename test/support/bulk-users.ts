import { randomUUID } from 'node:crypto';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { TestApp } from './test-app.js';

/**
 * `count` users written straight to the database (no sessions, cannot sign in), for tests that need
 * a large group: registering hundreds through the API would take most of the test's time. `tag`
 * keeps their emails and usernames apart from other tests' users.
 */
export async function createUsers(t: TestApp, count: number, tag: string): Promise<{ id: string; username: string }[]> {
  const users = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    email: `bulk${i}-${tag}@example.com`,
    username: `bulk${i}_${tag.replace(/-/g, '').slice(0, 8)}`,
    passwordHash: 'x',
  }));
  await t.app.get(PrismaService).user.createMany({ data: users });
  return users.map(({ id, username }) => ({ id, username }));
}
