import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { userNotFound } from '#src/users/users.errors.js';
import { PresenceQueryDto } from './dto/presence-query.dto.js';
import { PresenceService } from './presence.service.js';

/** Who sees it, in one place for both routes' documentation. */
const VISIBILITY =
  'Only contacts (users who share a conversation both have accepted, with no block either way) and the user themselves see the real state; ' +
  'anyone else gets { online: false, status: "offline", statusText: null, lastSeenAt: null }, the same as for a user never seen.';

@ApiTags('users')
@ApiBearerAuth()
@Controller(`${API_PREFIX}/users`)
export class PresenceController {
  constructor(private readonly presence: PresenceService) {}

  @Get(':id/presence')
  @RateLimit(WRITE_LIMITS.presenceReads)
  @ApiOperation({
    summary: `{ userId, online, status, statusText, lastSeenAt }: online while the user has a socket on any instance; lastSeenAt is when they last came or went. ${VISIBILITY} 404 USER_NOT_FOUND for an unknown id.`,
  })
  async one(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    const [view] = await this.presence.query(caller.userId, [id]);
    if (!view) throw userNotFound();
    return view;
  }

  @Post('presence')
  @RateLimit(WRITE_LIMITS.presenceReads)
  @HttpCode(200)
  @ApiOperation({
    summary: `Presence of up to 200 users: { items: [{ userId, online, status, statusText, lastSeenAt }] } (unknown ids left out). ${VISIBILITY}`,
  })
  async many(@Caller() caller: AuthContext, @Body() dto: PresenceQueryDto) {
    return { items: await this.presence.query(caller.userId, [...new Set(dto.userIds)]) };
  }
}
