import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { unauthorized } from '#src/common/errors/common.errors.js';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { VerifiedTokens } from './verified-tokens.js';

interface AccessClaims {
  sub: string;
  sid: string;
  jti: string;
  exp: number;
}

export interface RefreshTokenParts {
  sessionId: string;
  generation: number;
}

const REFRESH_PREFIX = 'rt1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class TokenSettings extends configSlice('ACCESS_TOKEN_TTL_SECONDS', 'JWT_SECRET') {}

/**
 * Access tokens are HS256 JWTs (`sub`, `sid`, `jti`, short-lived). Refresh tokens are
 * `rt1.<sessionId>.<generation>.<HMAC>`: nothing to store but the session's current generation,
 * and a token that was really issued but is no longer current is told apart from a forged one.
 */
@Injectable()
export class TokensService {
  private readonly refreshKey: Buffer;
  private readonly verified = new VerifiedTokens();
  readonly accessTtlSeconds: number;

  constructor(
    private readonly jwt: JwtService,
    settings: TokenSettings,
  ) {
    this.accessTtlSeconds = settings.ACCESS_TOKEN_TTL_SECONDS;
    this.refreshKey = createHmac('sha256', settings.JWT_SECRET).update('refresh-tokens').digest();
  }

  signAccess(userId: string, sessionId: string): string {
    return this.jwt.sign({ sub: userId, sid: sessionId }, { jwtid: randomUUID(), expiresIn: this.accessTtlSeconds });
  }

  /**
   * Checks signature (HS256 only: `alg: none` and others are refused), expiry and claims; a token
   * verified before is only checked for expiry.
   */
  verifyAccess(token: string): AuthContext {
    const known = this.verified.get(token);
    if (known) return known;
    let claims: AccessClaims;
    try {
      claims = this.jwt.verify<AccessClaims>(token);
    } catch {
      throw unauthorized();
    }
    const { sub, sid, jti, exp } = claims;
    if (![sub, sid, jti].every((value) => typeof value === 'string' && UUID.test(value)) || typeof exp !== 'number') {
      throw unauthorized();
    }
    const auth = { userId: sub, sessionId: sid, jti, expiresAt: exp * 1000 };
    this.verified.remember(token, auth);
    return auth;
  }

  mintRefresh(sessionId: string, generation: number): string {
    const body = `${REFRESH_PREFIX}.${sessionId}.${generation}`;
    return `${body}.${this.sign(body)}`;
  }

  /** The session and generation a refresh token was issued for; null when it was not issued here. */
  parseRefresh(token: string): RefreshTokenParts | null {
    const parts = token.split('.');
    if (parts.length !== 4 || parts[0] !== REFRESH_PREFIX || !UUID.test(parts[1]) || !/^\d{1,9}$/.test(parts[2])) {
      return null;
    }
    const expected = Buffer.from(this.sign(parts.slice(0, 3).join('.')));
    const given = Buffer.from(parts[3]);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return { sessionId: parts[1], generation: Number(parts[2]) };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.refreshKey).update(body).digest('base64url');
  }
}
