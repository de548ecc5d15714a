import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { userNotFound } from '#src/users/users.service.js';
import { PresenceQueryDto } from './dto/presence-query.dto.js';
import { PresenceService } from './presence.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller(`${API_PREFIX}/users`)
export class PresenceController {
  constructor(private readonly presence: PresenceService) {}

  @Get(':id/presence')
  @RateLimit(WRITE_LIMITS.presenceReads)
  @ApiOperation({
    summary:
      '{ userId, online, lastSeenAt }: online while the user has a socket on any instance; lastSeenAt is when they last came or went.',
  })
  async one(@Param('id', uuidParam('id')) id: string) {
    const [view] = await this.presence.query([id]);
    if (!view) throw userNotFound();
    return view;
  }

  @Post('presence')
  @RateLimit(WRITE_LIMITS.presenceReads)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Presence of up to 200 users: { items: [{ userId, online, lastSeenAt }] } (unknown ids left out).',
  })
  async many(@Body() dto: PresenceQueryDto) {
    return { items: await this.presence.query([...new Set(dto.userIds)]) };
  }
}
