import { jest } from '@jest/globals';
import { AuthService } from '#src/auth/auth.service.js';
import { SessionsService } from '#src/auth/sessions.service.js';
import { TokensService } from '#src/auth/tokens.service.js';
import type { Session } from '#src/generated/prisma/client.js';
import { aSession, T0 } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const START = T0.getTime();

/**
 * Refreshes through AuthService, with the real rotation and tokens, over one session row kept in
 * memory. `race` makes a refresh elsewhere commit between this one's read and its write.
 */
async function refreshing(graceSeconds: number) {
  const settings = { REFRESH_REUSE_GRACE_SECONDS: graceSeconds, JWT_SECRET: 'k'.repeat(32) };
  const row = aSession({ expiresAt: new Date(START + 86_400_000) });
  let raceWith: (() => void) | undefined;
  const { subject, fakes } = await newTestService(
    AuthService,
    {
      JwtService: { sign: () => 'access-token' },
      SessionRepository: {
        findById: (id: string) =>
          Promise.resolve(id === row.id ? { ...row, refreshTimes: [...row.refreshTimes] } : null),
        advanceGeneration: (_id: string, generation: number, change: Pick<Session, 'expiresAt' | 'refreshTimes'>) => {
          raceWith?.();
          raceWith = undefined;
          if (row.refreshGeneration !== generation || row.revokedAt) return Promise.resolve(false);
          Object.assign(row, { refreshGeneration: generation + 1, ...change });
          return Promise.resolve(true);
        },
        revoke: () => {
          row.revokedAt = new Date();
          return Promise.resolve([row.id]);
        },
      },
      SessionStateService: { markRevoked: () => Promise.resolve() },
      AuthMetrics: { refreshReused: () => undefined },
      // An ended session is checked for a suspension of its account: none here.
      UsersService: { suspensionOf: () => Promise.resolve(null) },
    },
    { real: [SessionsService, TokensService], settings },
  );
  const { subject: tokens } = await newTestService(
    TokensService,
    {},
    { settings: { JWT_SECRET: settings.JWT_SECRET } },
  );
  return {
    auth: subject,
    row,
    revoked: fakes.SessionRepository.revoke,
    /** The refresh token of `generation`, as it was issued. */
    token: (generation: number) => tokens.mintRefresh(row.id, generation),
    advance: (ms: number) => jest.setSystemTime(Date.now() + ms),
    race: (refresh: () => void) => (raceWith = refresh),
  };
}

const alreadyUsed = { status: 401, code: 'REFRESH_TOKEN_ALREADY_USED' };
const reused = { status: 401, code: 'REFRESH_TOKEN_REUSED' };
const ended = { status: 401, code: 'UNAUTHORIZED' };

describe('refresh rotation and the reuse grace', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    jest.setSystemTime(START);
  });
  afterEach(() => jest.useRealTimers());

  it('trades the current token for the next one, and records when', async () => {
    const { auth, row, token } = await refreshing(10);
    await expect(auth.refresh(token(0))).resolves.toEqual({ accessToken: 'access-token', refreshToken: token(1) });
    expect(row.refreshGeneration).toBe(1);
    expect(row.refreshTimes).toEqual([new Date(START)]);
  });

  it('refuses a token it did not issue: 401 UNAUTHORIZED', async () => {
    const { auth, token } = await refreshing(10);
    const forged = token(0).replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
    await expect(auth.refresh(forged)).rejects.toMatchObject(ended);
  });

  it('refuses a second use within the grace with REFRESH_TOKEN_ALREADY_USED and leaves the session alive', async () => {
    const { auth, token, advance, revoked } = await refreshing(10);
    await auth.refresh(token(0));
    advance(10_000);
    await expect(auth.refresh(token(0))).rejects.toMatchObject(alreadyUsed);
    expect(revoked).not.toHaveBeenCalled();
    await expect(auth.refresh(token(1))).resolves.toMatchObject({ refreshToken: token(2) });
  });

  it('revokes the session on a use after the grace: REFRESH_TOKEN_REUSED, and the newest token is dead too', async () => {
    const { auth, token, advance, row } = await refreshing(10);
    await auth.refresh(token(0));
    advance(10_001);
    await expect(auth.refresh(token(0))).rejects.toMatchObject(reused);
    expect(row.revokedAt).not.toBeNull();
    await expect(auth.refresh(token(1))).rejects.toMatchObject(ended);
  });

  it('measures the grace from the first use of that token, also for a token two refreshes back', async () => {
    const { auth, token, advance, revoked } = await refreshing(10);
    await auth.refresh(token(0));
    advance(4_000);
    await auth.refresh(token(1));
    advance(5_000);
    await expect(auth.refresh(token(0))).rejects.toMatchObject(alreadyUsed);
    advance(2_000);
    // Token 0 was first used 11 s ago, token 1 7 s ago.
    await expect(auth.refresh(token(1))).rejects.toMatchObject(alreadyUsed);
    expect(revoked).not.toHaveBeenCalled();
    await expect(auth.refresh(token(0))).rejects.toMatchObject(reused);
    expect(revoked).toHaveBeenCalledTimes(1);
  });

  it('keeps only the refresh times within the grace', async () => {
    const { auth, token, advance, row } = await refreshing(10);
    await auth.refresh(token(0));
    advance(10_001);
    await auth.refresh(token(1));
    expect(row.refreshTimes).toEqual([new Date(START + 10_001)]);
  });

  it('with no grace, any reuse revokes', async () => {
    const { auth, token, advance } = await refreshing(0);
    await auth.refresh(token(0));
    advance(1);
    await expect(auth.refresh(token(0))).rejects.toMatchObject(reused);
  });

  it('answers a refresh that loses the race to another one with the same token with ALREADY_USED', async () => {
    const { auth, token, race, row } = await refreshing(10);
    race(() => Object.assign(row, { refreshGeneration: 1, refreshTimes: [new Date(START)] }));
    await expect(auth.refresh(token(0))).rejects.toMatchObject(alreadyUsed);
    expect(row.revokedAt).toBeNull();
  });

  it('refuses a token of a revoked or expired session: 401 UNAUTHORIZED', async () => {
    const { auth, token, row, advance } = await refreshing(10);
    advance(86_400_000);
    await expect(auth.refresh(token(0))).rejects.toMatchObject(ended);
    row.revokedAt = new Date(START);
    await expect(auth.refresh(token(0))).rejects.toMatchObject(ended);
  });
});
