import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { API_PREFIX, ERROR_BODY } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { NotForBots } from '#src/common/decorators/not-for-bots.decorator.js';
import { Public } from '#src/common/decorators/public.decorator.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { AuthService, type ClientInfo } from './auth.service.js';
import { AuthLoginDto } from './dto/auth-login.dto.js';
import { AuthRefreshDto } from './dto/auth-refresh.dto.js';
import { AuthRegisterDto } from './dto/auth-register.dto.js';
import { RefreshLimitGuard } from './refresh-limit.guard.js';
import { SessionsService } from './sessions.service.js';

const MINUTE = 60_000;

const SUSPENDED = {
  ...ERROR_BODY,
  description: 'ACCOUNT_SUSPENDED: a system admin suspended the account; the message says until when',
};

/** A bot's key manages no sessions: its bot is deleted by an admin instead. */
const NOT_FOR_BOTS_RESPONSE = {
  ...ERROR_BODY,
  description: 'FORBIDDEN: called with a bot key (Authorization: Bot …)',
};

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
  @ApiOperation({ summary: 'Create an account and sign in. Limited to 10 per hour per client address.' })
  @ApiCreatedResponse({ description: '{ user, accessToken, refreshToken, sessionId }' })
  @ApiConflictResponse({ description: 'EMAIL_TAKEN or USERNAME_TAKEN (compared case-insensitively)' })
  register(@Body() dto: AuthRegisterDto, @Req() request: FastifyRequest) {
    return this.auth.register(dto, clientInfo(request));
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @RateLimit({ name: 'login-ip', limit: 5, windowMs: MINUTE })
  @ApiOperation({
    summary:
      'Sign in with email or username. Limited to 5 requests per minute per client address and 5 failed attempts per minute per account and client address.',
    description:
      'Failures elsewhere never use up the attempts of your address. While an account collects more than 20 failures a minute from all addresses, each address it has never signed in from gets one checked attempt a minute instead of 5; the first attempt from any address is always checked, so a right password is refused only after failures from its own address.',
  })
  @ApiOkResponse({ description: '{ user, accessToken, refreshToken, sessionId }' })
  @ApiUnauthorizedResponse({
    description: 'INVALID_CREDENTIALS: unknown account or wrong password (indistinguishable)',
  })
  @ApiForbiddenResponse({ ...SUSPENDED, description: `${SUSPENDED.description} (told only with the right password)` })
  login(@Body() dto: AuthLoginDto, @Req() request: FastifyRequest) {
    return this.auth.login(dto, clientInfo(request));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @UseGuards(RefreshLimitGuard)
  @ApiOperation({
    summary:
      'Exchange a refresh token for a new pair. Limited to 30 per minute per session, counting only tokens that verify.',
    description: [
      'Each refresh token works once: the answer carries its successor.',
      'Two requests racing with the same token (two tabs): one gets the new pair; a second use of the token',
      'within REFRESH_REUSE_GRACE_SECONDS (default 10 s) of the first is answered 401 REFRESH_TOKEN_ALREADY_USED',
      'and the session stays signed in: take the pair the other request received (e.g. from shared storage)',
      'rather than signing in again. A used token presented later than that means it was copied:',
      '401 REFRESH_TOKEN_REUSED, and the session is revoked.',
    ].join(' '),
  })
  @ApiOkResponse({ description: '{ accessToken, refreshToken }' })
  @ApiUnauthorizedResponse({
    description:
      'UNAUTHORIZED (invalid token, or ended session); REFRESH_TOKEN_ALREADY_USED (the token was used less than REFRESH_REUSE_GRACE_SECONDS ago; the session is kept); REFRESH_TOKEN_REUSED (a used token replayed later; the session is revoked)',
  })
  @ApiForbiddenResponse(SUSPENDED)
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED, with Retry-After' })
  refresh(@Body() dto: AuthRefreshDto) {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @RateLimit(WRITE_LIMITS.accountChanges)
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiForbiddenResponse(NOT_FOR_BOTS_RESPONSE)
  @ApiOperation({ summary: 'Revoke this access token and its session, on every instance.' })
  @ApiNoContentResponse()
  logout(@Caller() caller: AuthContext) {
    return this.auth.logout(caller);
  }

  @Post('logout-all')
  @RateLimit(WRITE_LIMITS.accountChanges)
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiForbiddenResponse(NOT_FOR_BOTS_RESPONSE)
  @ApiOperation({ summary: 'Revoke every session of the caller, this one included.' })
  @ApiNoContentResponse()
  logoutAll(@Caller() caller: AuthContext) {
    return this.auth.logoutAll(caller);
  }

  @Get('sessions')
  @ApiBearerAuth()
  @ApiForbiddenResponse(NOT_FOR_BOTS_RESPONSE)
  @ApiOperation({
    summary: 'Active sessions: { items: [{ id, device, ip, userAgent, createdAt, lastActiveAt, current }] }',
  })
  listSessions(@Caller() caller: AuthContext) {
    return this.sessions.list(caller);
  }

  @Delete('sessions/:id')
  @RateLimit(WRITE_LIMITS.accountChanges)
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiForbiddenResponse(NOT_FOR_BOTS_RESPONSE)
  @ApiOperation({ summary: 'Revoke one of the caller’s sessions (404 SESSION_NOT_FOUND if not theirs or not active).' })
  @ApiNoContentResponse()
  revokeSession(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.sessions.revokeOne(caller, id);
  }
}
