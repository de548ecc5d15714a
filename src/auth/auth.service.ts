import { Injectable } from '@nestjs/common';
import { unauthorized } from '#src/common/errors/common.errors.js';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import type { User } from '#src/generated/prisma/client.js';
import { toUserMe, type UserMe } from '#src/users/user.presenter.js';
import { UsersService } from '#src/users/users.service.js';
import { currentSuspension } from '#src/users/suspension.js';
import {
  accountSuspended,
  invalidCredentials,
  refreshTokenAlreadyUsed,
  refreshTokenReused,
  wrongPassword,
} from './auth.errors.js';
import { AuthMetrics } from './auth.metrics.js';
import type { AccountDeleteDto } from './dto/account-delete.dto.js';
import type { AuthDeviceDto, AuthLoginDto } from './dto/auth-login.dto.js';
import type { AuthRegisterDto } from './dto/auth-register.dto.js';
import { LoginAttempts } from './login-attempts.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionsService } from './sessions.service.js';
import { TokensService } from './tokens.service.js';

/** Where a request came from, recorded on the session it opens. */
export interface ClientInfo {
  ip: string;
  userAgent?: string;
}

/** What a refresh answers: the next access token and the refresh token that replaces the one used. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export interface SignedIn extends TokenPair {
  user: UserMe;
  sessionId: string;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly attempts: LoginAttempts,
    private readonly metrics: AuthMetrics,
  ) {}

  async register(dto: AuthRegisterDto, client: ClientInfo): Promise<SignedIn> {
    const user = await this.users.create({
      email: dto.email,
      username: dto.username,
      passwordHash: await this.passwords.hash(dto.password),
      displayName: dto.displayName,
    });
    return this.signIn(user, client, {});
  }

  /**
   * Same 401, after the same password work, for an unknown account, a bot and a wrong password. A
   * suspended account learns that it is only with the right password.
   */
  async login(dto: AuthLoginDto, client: ClientInfo): Promise<SignedIn> {
    const found = await this.users.findByLogin(dto.login);
    // A bot has no password: its name signs in no more than an unknown one, after the same work.
    const user = found?.role === 'bot' ? null : found;
    // Counted per account (email and username alike) and address; an unknown login is counted by itself.
    const attempt = await this.attempts.reserve(user?.id ?? dto.login.trim().toLowerCase(), client.ip, async () =>
      user ? this.sessions.signedInFrom(user.id, client.ip) : false,
    );
    const valid = await this.passwords.verify(user?.passwordHash, dto.password);
    if (!user || !valid) {
      this.metrics.login('failure');
      throw invalidCredentials();
    }
    await attempt.succeeded();
    const suspension = currentSuspension(user);
    if (suspension) throw accountSuspended(suspension.until);
    this.metrics.login('success');
    return this.signIn(user, client, dto.device ?? {});
  }

  /**
   * Rotates a refresh token: the current one yields a new pair and stops working. A used token
   * presented again within REFRESH_REUSE_GRACE_SECONDS of its first use (two tabs racing) is
   * refused with REFRESH_TOKEN_ALREADY_USED and the session lives on: the first use got the new
   * pair. Presented later, it means the token was copied: the session is revoked. A session that
   * ended because its account is suspended answers 403 `ACCOUNT_SUSPENDED` while the suspension lasts.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const parts = this.tokens.parseRefresh(refreshToken);
    if (!parts) throw unauthorized('Invalid refresh token');
    const rotation = await this.sessions.rotate(parts.sessionId, parts.generation);
    if (rotation.outcome === 'ended') {
      const suspension = rotation.userId ? await this.users.suspensionOf(rotation.userId) : null;
      if (suspension) throw accountSuspended(suspension.until);
      throw unauthorized('This session has ended; sign in again');
    }
    if (rotation.outcome === 'already-used') {
      throw refreshTokenAlreadyUsed();
    }
    if (rotation.outcome === 'reused') {
      this.metrics.refreshReused();
      throw refreshTokenReused();
    }
    return {
      accessToken: this.tokens.signAccess(rotation.userId, parts.sessionId),
      refreshToken: this.tokens.mintRefresh(parts.sessionId, parts.generation + 1),
    };
  }

  async logout(caller: AuthContext): Promise<void> {
    await this.sessions.revoke(caller.userId, [caller.sessionId], caller);
  }

  async logoutAll(caller: AuthContext): Promise<void> {
    await this.sessions.revoke(caller.userId, undefined, caller);
  }

  /**
   * Deletes the caller's account once its password is given again: a token alone (a borrowed
   * device, a stolen token) cannot. Failed attempts count with the account's failed sign-ins, so a
   * token gives no more guesses than the login route does.
   */
  async deleteAccount(caller: AuthContext, dto: AccountDeleteDto, client: ClientInfo): Promise<void> {
    const user = await this.users.account(caller.userId);
    if (!user) throw unauthorized('The account no longer exists');
    const attempt = await this.attempts.reserve(user.id, client.ip, () =>
      this.sessions.signedInFrom(user.id, client.ip),
    );
    const valid = dto.password !== undefined && (await this.passwords.verify(user.passwordHash, dto.password));
    if (!valid) throw wrongPassword();
    await attempt.succeeded();
    await this.users.delete(user.id, { eraseMessages: dto.eraseMessages === true });
    await this.sessions.revoke(caller.userId, undefined, caller);
  }

  private async signIn(user: User, client: ClientInfo, device: AuthDeviceDto): Promise<SignedIn> {
    const session = await this.sessions.open({
      userId: user.id,
      deviceName: device.name,
      deviceType: device.type,
      deviceOs: device.os,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 512),
    });
    return {
      user: toUserMe(user),
      accessToken: this.tokens.signAccess(user.id, session.id),
      refreshToken: this.tokens.mintRefresh(session.id, session.refreshGeneration),
      sessionId: session.id,
    };
  }
}
