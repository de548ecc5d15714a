import { jest } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { TokensService, type TokenSettings } from '#src/auth/tokens.service.js';
import { VerifiedTokens } from '#src/auth/verified-tokens.js';

const auth = (n: number, expiresAt = 2_000_000) => ({
  userId: `user-${n}`,
  sessionId: `session-${n}`,
  jti: `jti-${n}`,
  expiresAt,
});

describe('verified access tokens remembered in the process', () => {
  it('answers a remembered token until the millisecond it expires', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('t1', auth(1, 10_000));
    expect(tokens.get('t1', 9_999)).toEqual(auth(1, 10_000));
    expect(tokens.get('t1', 10_000)).toBeUndefined();
    // Forgotten once expired, even for an earlier clock.
    expect(tokens.get('t1', 9_999)).toBeUndefined();
    expect(tokens.get('unknown', 0)).toBeUndefined();
  });

  it('hands out copies, so a caller changing its claims changes no one else’s', () => {
    const tokens = new VerifiedTokens();
    const claims = auth(1);
    tokens.remember('t1', claims);
    claims.userId = 'changed';
    const first = tokens.get('t1', 0)!;
    first.userId = 'changed too';
    expect(tokens.get('t1', 0)!.userId).toBe('user-1');
  });

  it('holds at most its capacity, forgetting the oldest first', () => {
    const tokens = new VerifiedTokens(2);
    tokens.remember('t1', auth(1));
    tokens.remember('t2', auth(2));
    tokens.remember('t3', auth(3));
    expect(tokens.get('t1', 0)).toBeUndefined();
    expect(tokens.get('t2', 0)).toEqual(auth(2));
    expect(tokens.get('t3', 0)).toEqual(auth(3));
  });
});

describe('TokensService.verifyAccess with a remembered token', () => {
  const settings = { ACCESS_TOKEN_TTL_SECONDS: 900, JWT_SECRET: 'k'.repeat(32) } as TokenSettings;
  const jwt = new JwtService({ secret: settings.JWT_SECRET, verifyOptions: { algorithms: ['HS256'] } });
  const userId = '00000000-0000-4000-8000-000000000001';
  const sessionId = '00000000-0000-4000-8000-000000000002';

  it('checks the signature once, then only the expiry', () => {
    const service = new TokensService(jwt, settings);
    const token = service.signAccess(userId, sessionId);
    const verify = jest.spyOn(jwt, 'verify');
    const first = service.verifyAccess(token);
    expect(service.verifyAccess(token)).toEqual(first);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(first).toMatchObject({ userId, sessionId });
    verify.mockRestore();
  });

  it('refuses a remembered token once expired, and any other text of it', () => {
    const service = new TokensService(jwt, settings);
    const token = service.signAccess(userId, sessionId);
    const { expiresAt } = service.verifyAccess(token);
    const now = jest.spyOn(Date, 'now').mockReturnValue(expiresAt);
    expect(() => service.verifyAccess(token)).toThrow();
    now.mockRestore();
    const [header, payload, signature] = token.split('.');
    const forged = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(() => service.verifyAccess(forged)).toThrow();
  });
});
