import { jest } from '@jest/globals';
import type { AccessTokenVerifier } from '#src/auth/access-token.verifier.js';
import { unauthorized } from '#src/common/errors/common.errors.js';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import type { RealtimeMetrics } from '#src/realtime/realtime.metrics.js';
import { SocketTokens } from '#src/realtime/socket-tokens.js';
import type { ChatSocket } from '#src/realtime/socket-types.js';

const now = Date.parse('2026-12-01T12:00:00.000Z');
const tokens: Record<string, AuthContext> = {
  fresh: { userId: 'ann', sessionId: 'phone', jti: 'j1', expiresAt: now + 900_000 },
  shorter: { userId: 'ann', sessionId: 'phone', jti: 'j2', expiresAt: now + 1_000 },
  otherSession: { userId: 'ann', sessionId: 'laptop', jti: 'j3', expiresAt: now + 900_000 },
  otherUser: { userId: 'bob', sessionId: 'phone', jti: 'j4', expiresAt: now + 900_000 },
};

function setup() {
  const verifier = {
    verify: (token: string) => (tokens[token] ? Promise.resolve(tokens[token]) : Promise.reject(unauthorized())),
  } as AccessTokenVerifier;
  const metrics = { sent: () => undefined } as unknown as RealtimeMetrics;
  const calls: string[] = [];
  const socket = {
    id: 'socket-1',
    disconnected: false,
    data: { userId: 'ann', sessionId: 'phone', tokenExpiresAt: now + 5_000 },
    emit: (event: string) => calls.push(event),
    disconnect: () => calls.push('disconnect'),
  } as unknown as ChatSocket;
  return { subject: new SocketTokens(verifier, metrics), socket, calls };
}

describe('a socket on its access token', () => {
  beforeEach(() => jest.useFakeTimers({ now }));
  afterEach(() => jest.useRealTimers());

  it('gets token.expired and then is closed when the token expires unrenewed', () => {
    const { subject, socket, calls } = setup();
    subject.watch(socket);
    jest.advanceTimersByTime(4_999);
    expect(calls).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(calls).toEqual(['token.expired', 'disconnect']);
  });

  it('lives on a fresh token of its own session, never shorter than it had', async () => {
    const { subject, socket, calls } = setup();
    subject.watch(socket);
    expect(await subject.renew(socket, 'fresh')).toEqual({ expiresAt: new Date(now + 900_000).toISOString() });
    jest.advanceTimersByTime(899_999);
    expect(calls).toEqual([]);
    await subject.renew(socket, 'shorter');
    jest.advanceTimersByTime(1);
    expect(calls).toEqual(['token.expired', 'disconnect']);
  });

  it.each(['otherSession', 'otherUser', 'garbage'])('refuses %s with 401 and keeps its expiry', async (token) => {
    const { subject, socket, calls } = setup();
    subject.watch(socket);
    await expect(subject.renew(socket, token)).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    jest.advanceTimersByTime(5_000);
    expect(calls).toEqual(['token.expired', 'disconnect']);
  });

  it('outlives the longest timer on a session that lasts longer (a bot key), and still closes when it ends', () => {
    const { subject, socket, calls } = setup();
    const maxTimerMs = 2 ** 31 - 1;
    socket.data.tokenExpiresAt = now + 3 * maxTimerMs;
    subject.watch(socket);
    jest.advanceTimersByTime(maxTimerMs);
    jest.advanceTimersByTime(2 * maxTimerMs - 1);
    expect(calls).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(calls).toEqual(['token.expired', 'disconnect']);
  });

  it('forgets a socket that closed', () => {
    const { subject, socket, calls } = setup();
    subject.watch(socket);
    subject.forget(socket.id);
    jest.advanceTimersByTime(10_000);
    expect(calls).toEqual([]);
  });
});
