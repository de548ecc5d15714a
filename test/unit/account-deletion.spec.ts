import { AuthService } from '#src/auth/auth.service.js';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import { aUser } from '../support/unit/records.js';
import { newTestService } from '../support/unit/test-service.js';

const user = aUser();
const caller: AuthContext = { userId: user.id, sessionId: 's', jti: 'j', expiresAt: Date.now() + 60_000 };
const client = { ip: '10.0.0.1' };

const deletionWith = async (passwordMatches: boolean, account = user) => {
  const succeeded = { succeeded: () => Promise.resolve() };
  return newTestService(AuthService, {
    UsersService: { account: () => Promise.resolve(account), delete: () => Promise.resolve() },
    PasswordHasher: { verify: () => Promise.resolve(passwordMatches) },
    LoginAttempts: { reserve: () => Promise.resolve(succeeded) },
    SessionsService: { revoke: () => Promise.resolve(), signedInFrom: () => Promise.resolve(true) },
  });
};

describe('deleting an account', () => {
  it('checks the password against the account, counted as a sign-in attempt, then deletes and revokes everything', async () => {
    const { subject, fakes } = await deletionWith(true);
    await subject.deleteAccount(caller, { password: 'right' }, client);
    expect(fakes.LoginAttempts.reserve.mock.calls[0].slice(0, 2)).toEqual([user.id, client.ip]);
    expect(fakes.PasswordHasher.verify.mock.calls).toEqual([[user.passwordHash, 'right']]);
    expect(fakes.UsersService.delete.mock.calls).toEqual([[user.id, { eraseMessages: false }]]);
    expect(fakes.SessionsService.revoke.mock.calls).toEqual([[user.id, undefined, caller]]);
  });

  it('records the erasure of the messages only when asked with true', async () => {
    const { subject, fakes } = await deletionWith(true);
    await subject.deleteAccount(caller, { password: 'right', eraseMessages: true }, client);
    expect(fakes.UsersService.delete.mock.calls).toEqual([[user.id, { eraseMessages: true }]]);
  });

  it.each([
    ['a wrong password', { password: 'wrong' }],
    ['no password', {}],
  ])('refuses %s with 401 INVALID_CREDENTIALS and deletes nothing', async (_what, dto) => {
    const { subject, fakes } = await deletionWith(false);
    await expect(subject.deleteAccount(caller, dto, client)).rejects.toMatchObject({
      status: 401,
      code: 'INVALID_CREDENTIALS',
    });
    expect(fakes.LoginAttempts.reserve).toHaveBeenCalledTimes(1);
    expect(fakes.UsersService.delete).not.toHaveBeenCalled();
    expect(fakes.SessionsService.revoke).not.toHaveBeenCalled();
  });

  it('answers 401 UNAUTHORIZED for an account already gone, before any attempt is counted', async () => {
    const { subject, fakes } = await deletionWith(true, null as never);
    await expect(subject.deleteAccount(caller, { password: 'right' }, client)).rejects.toMatchObject({ status: 401 });
    expect(fakes.LoginAttempts.reserve).not.toHaveBeenCalled();
  });
});
