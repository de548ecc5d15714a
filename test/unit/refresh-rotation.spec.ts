import { jest } from '@jest/globals';
import type { ConfigService } from '@nestjs/config';
import type { ChatEvents } from '#src/common/events/chat-events.js';
import type { Session } from '#src/generated/prisma/client.js';
import type { SessionRepository } from '#src/auth/session.repository.js';
import type { SessionStateService } from '#src/auth/session-state.service.js';
import { SessionsService } from '#src/auth/sessions.service.js';

const SESSION_ID = '00000000-0000-4000-8000-000000000001';
const START = Date.parse('2026-12-01T12:00:00Z');

/** A SessionsService over one session row kept in memory; `clock` is the time in ms. */
function subject(graceSeconds: number) {
  let clock = START;
  const row = {
    id: SESSION_ID,
    userId: '00000000-0000-4000-8000-000000000002',
    refreshGeneration: 0,
    refreshTimes: [] as Date[],
    revokedAt: null as Date | null,
    expiresAt: new Date(START + 86_400_000),
  };
  /** A refresh that an instance elsewhere commits between this one's read and its write. */
  let raceWith: (() => void) | undefined;
  const repository = {
    findById: () => Promise.resolve({ ...row, refreshTimes: [...row.refreshTimes] } as unknown as Session),
    advanceGeneration: (_id: string, generation: number, change: { expiresAt: Date; refreshTimes: Date[] }) => {
      raceWith?.();
      raceWith = undefined;
      if (row.refreshGeneration !== generation || row.revokedAt) return Promise.resolve(false);
      Object.assign(row, { refreshGeneration: generation + 1, ...change });
      return Promise.resolve(true);
    },
    revoke: jest.fn(() => {
      row.revokedAt = new Date(clock);
      return Promise.resolve([SESSION_ID]);
    }),
  };
  const settings: Record<string, number> = {
    SESSIONS_MAX_PER_USER: 10,
    REFRESH_TOKEN_TTL_DAYS: 30,
    REFRESH_REUSE_GRACE_SECONDS: graceSeconds,
  };
  const service = new SessionsService(
    repository as unknown as SessionRepository,
    { markRevoked: () => Promise.resolve() } as unknown as SessionStateService,
    { publish: () => undefined } as unknown as ChatEvents,
    { get: (name: string) => settings[name] } as unknown as ConfigService<never, true>,
  );
  return {
    service,
    row,
    revoke: repository.revoke,
    advance: (ms: number) => {
      clock += ms;
      jest.setSystemTime(clock);
    },
    race: (refresh: () => void) => (raceWith = refresh),
  };
}

describe('refresh rotation and the reuse grace', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    jest.setSystemTime(START);
  });
  afterEach(() => jest.useRealTimers());

  it('rotates the current generation and records when', async () => {
    const { service, row } = subject(10);
    expect(await service.rotate(SESSION_ID, 0)).toMatchObject({ outcome: 'rotated' });
    expect(row.refreshGeneration).toBe(1);
    expect(row.refreshTimes).toEqual([new Date(START)]);
  });

  it('answers a second use within the grace with already-used and never revokes', async () => {
    const { service, advance, revoke } = subject(10);
    await service.rotate(SESSION_ID, 0);
    advance(10_000);
    expect(await service.rotate(SESSION_ID, 0)).toEqual({ outcome: 'already-used' });
    expect(revoke).not.toHaveBeenCalled();
  });

  it('measures the grace from the first use of that token, also for a token two refreshes back', async () => {
    const { service, advance, revoke } = subject(10);
    await service.rotate(SESSION_ID, 0);
    advance(4_000);
    await service.rotate(SESSION_ID, 1);
    advance(5_000);
    expect(await service.rotate(SESSION_ID, 0)).toEqual({ outcome: 'already-used' });
    advance(2_000);
    // Token 0 was first used 11 s ago, token 1 7 s ago.
    expect(await service.rotate(SESSION_ID, 1)).toEqual({ outcome: 'already-used' });
    expect(revoke).not.toHaveBeenCalled();
    expect(await service.rotate(SESSION_ID, 0)).toEqual({ outcome: 'reused' });
    expect(revoke).toHaveBeenCalledTimes(1);
  });

  it('revokes on a use after the grace, and keeps only the refresh times within it', async () => {
    const { service, advance, row } = subject(10);
    await service.rotate(SESSION_ID, 0);
    advance(10_001);
    await service.rotate(SESSION_ID, 1);
    expect(row.refreshTimes).toEqual([new Date(START + 10_001)]);
    expect(await service.rotate(SESSION_ID, 0)).toEqual({ outcome: 'reused' });
    expect(await service.rotate(SESSION_ID, 2)).toEqual({ outcome: 'ended' });
  });

  it('with no grace, any reuse revokes', async () => {
    const { service } = subject(0);
    await service.rotate(SESSION_ID, 0);
    jest.setSystemTime(START + 1);
    expect(await service.rotate(SESSION_ID, 0)).toEqual({ outcome: 'reused' });
  });

  it('a refresh that loses the race to another one with the same token gets already-used', async () => {
    const { service, race, row } = subject(10);
    race(() => Object.assign(row, { refreshGeneration: 1, refreshTimes: [new Date(START)] }));
    expect(await service.rotate(SESSION_ID, 0)).toEqual({ outcome: 'already-used' });
    expect(row.revokedAt).toBeNull();
  });
});
