import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiErrors, ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { NotForBots } from '#src/common/decorators/not-for-bots.decorator.js';
import { Public } from '#src/common/decorators/public.decorator.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { AuthService, type ClientInfo } from './auth.service.js';
import { AuthLoginDto } from './dto/auth-login.dto.js';
import { AuthRefreshDto } from './dto/auth-refresh.dto.js';
import { AuthRegisterDto } from './dto/auth-register.dto.js';
import { SessionsResponse } from './dto/session.response.js';
import { SignedInResponse, TokenPairResponse } from './dto/signed-in.response.js';
import { RefreshLimitGuard } from './refresh-limit.guard.js';
import { SessionsService } from './sessions.service.js';

const MINUTE = 60_000;

const SUSPENDED = 'ACCOUNT_SUSPENDED: a system admin suspended the account; the message says until when';

/** A bot's key manages no sessions: its bot is deleted by an admin instead. */
const NOT_FOR_BOTS_RESPONSE = { 403: 'FORBIDDEN: called with a bot key (Authorization: Bot …)' } as const;

const clientInfo = (request: FastifyRequest): ClientInfo => ({
  ip: request.clientAddress,
  userAgent: request.headers['user-agent'],
});

@ApiTags('auth')
@NotForBots()
@Controller(`${API_PREFIX}/auth`)
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
  ) {}

  @Public()
  @Post('register')
  @RateLimit({ name: 'register-ip', limit: 10, windowMs: 60 * MINUTE })
  @ApiOperation({ summary: 'Create an account and sign in', description: 'Limited to 10 per hour per client address.' })
  @ApiCreatedResponse({ type: SignedInResponse })
  @ApiErrors(400, 503, { 409: 'EMAIL_TAKEN or USERNAME_TAKEN (compared case-insensitively)' })
  register(@Body() dto: AuthRegisterDto, @Req() request: FastifyRequest) {
    return this.auth.register(dto, clientInfo(request));
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @RateLimit({ name: 'login-ip', limit: 5, windowMs: MINUTE })
  @ApiOperation({
    summary: 'Sign in with email or username',
    description:
      'Limited to 5 requests per minute per client address and 5 failed attempts per minute per account and client address. ' +
      'Failures elsewhere never use up the attempts of your address. While an account collects more than 20 failures a minute from all addresses, each address it has never signed in from gets one checked attempt a minute instead of 5; the first attempt from any address is always checked, so a right password is refused only after failures from its own address.',
  })
  @ApiOkResponse({ type: SignedInResponse })
  @ApiErrors(400, 503, {
    401: 'INVALID_CREDENTIALS: unknown account or wrong password (indistinguishable)',
    403: `${SUSPENDED} (told only with the right password)`,
    429: 'RATE_LIMITED: past 5 failed attempts a minute for this account from this address',
  })
  login(@Body() dto: AuthLoginDto, @Req() request: FastifyRequest) {
    return this.auth.login(dto, clientInfo(request));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @UseGuards(RefreshLimitGuard)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description: [
      'Limited to 30 per minute per session, counting only tokens that verify.',
      'Each refresh token works once: the answer carries its successor.',
      'Two requests racing with the same token (two tabs): one gets the new pair; a second use of the token',
      'within REFRESH_REUSE_GRACE_SECONDS (default 10 s) of the first is answered 401 REFRESH_TOKEN_ALREADY_USED',
      'and the session stays signed in: take the pair the other request received (e.g. from shared storage)',
      'rather than signing in again. A used token presented later than that means it was copied:',
      '401 REFRESH_TOKEN_REUSED, and the session is revoked.',
    ].join(' '),
  })
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiErrors(400, 503, {
    401: 'UNAUTHORIZED (invalid token, or ended session); REFRESH_TOKEN_ALREADY_USED (the token was used less than REFRESH_REUSE_GRACE_SECONDS ago; the session is kept); REFRESH_TOKEN_REUSED (a used token replayed later; the session is revoked)',
    403: SUSPENDED,
    429: 'RATE_LIMITED past 30 refreshes a minute for the session; Retry-After gives the seconds until a slot frees',
  })
  refresh(@Body() dto: AuthRefreshDto) {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @RateLimit(WRITE_LIMITS.accountChanges)
  @HttpCode(204)
  @ApiSignedIn()
  @ApiErrors(NOT_FOR_BOTS_RESPONSE)
  @ApiOperation({ summary: 'Sign out', description: 'Revokes this access token and its session, on every instance.' })
  @ApiNoContentResponse({ description: 'Signed out' })
  logout(@Caller() caller: AuthContext) {
    return this.auth.logout(caller);
  }

  @Post('logout-all')
  @RateLimit(WRITE_LIMITS.accountChanges)
  @HttpCode(204)
  @ApiSignedIn()
  @ApiErrors(NOT_FOR_BOTS_RESPONSE)
  @ApiOperation({
    summary: 'Sign out everywhere',
    description: 'Revokes every session of the caller, this one included.',
  })
  @ApiNoContentResponse({ description: 'Every session revoked' })
  logoutAll(@Caller() caller: AuthContext) {
    return this.auth.logoutAll(caller);
  }

  @Get('sessions')
  @ApiSignedIn()
  @ApiErrors(NOT_FOR_BOTS_RESPONSE)
  @ApiOperation({ summary: 'Your active sessions' })
  @ApiOkResponse({ type: SessionsResponse })
  listSessions(@Caller() caller: AuthContext) {
    return this.sessions.list(caller);
  }

  @Delete('sessions/:id')
  @RateLimit(WRITE_LIMITS.accountChanges)
  @HttpCode(204)
  @ApiSignedIn()
  @ApiErrors(400, NOT_FOR_BOTS_RESPONSE, { 404: 'SESSION_NOT_FOUND: not yours, or not active' })
  @ApiOperation({ summary: 'Revoke one of your sessions' })
  @ApiNoContentResponse({ description: 'Revoked' })
  revokeSession(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.sessions.revokeOne(caller, id);
  }
}
