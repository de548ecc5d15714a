import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { API_PREFIX, ERROR_BODY } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { ListQueryDto } from '#src/common/pagination/pagination.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { BansService } from './bans.service.js';
import { BanCreateDto, MemberMuteDto } from './dto/moderation.dto.js';
import { BanPageResponse, BanResponse, MemberMuteResponse } from './dto/moderation.response.js';
import { MutesService } from './mutes.service.js';

const NOT_FOUND = {
  ...ERROR_BODY,
  description: 'CONVERSATION_NOT_FOUND: you are not a member (a removed or banned one included)',
};
const NOT_MANAGER = {
  ...ERROR_BODY,
  description: 'NOT_GROUP_ADMIN: you are not the group owner or an admin, or you do not outrank this user',
};
const BAD_INPUT = {
  ...ERROR_BODY,
  description: 'VALIDATION_FAILED (a bad id, an until not in the future); NOT_A_GROUP on a direct conversation',
};

/** Group moderation (docs/moderation.md): bans and mutes, by the group's owner and admins. */
@ApiTags('moderation')
@ApiSignedIn()
@Controller(`${API_PREFIX}/conversations/:id`)
export class ModerationController {
  constructor(
    private readonly bans: BansService,
    private readonly mutes: MutesService,
  ) {}

  @Post('bans')
  @RateLimit(WRITE_LIMITS.moderation)
  @ApiOperation({
    summary: 'Ban a user from the group',
    description:
      '{ userId, until?, reason? } → 201 the ban. A member is removed as by DELETE /members/:userId (member.removed to everyone who was in the group, the banned ' +
      'member included; their sockets get no more of its events), and nobody can add them back while the ban lasts ' +
      '(403 BANNED). A user who is not a member can be banned ahead. The owner bans anyone but themself, an admin plain ' +
      'members and non-members. until (ISO-8601, in the future) ends the ban by itself; without it the ban lasts until ' +
      'lifted. Banning again replaces the ban. Audited (member.banned).',
  })
  @ApiCreatedResponse({ type: BanResponse })
  @ApiBadRequestResponse(BAD_INPUT)
  @ApiForbiddenResponse(NOT_MANAGER)
  @ApiNotFoundResponse({ ...ERROR_BODY, description: `${NOT_FOUND.description}; USER_NOT_FOUND: no such user` })
  ban(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: BanCreateDto,
    @Req() request: FastifyRequest,
  ) {
    return this.bans.ban(caller.userId, id, dto, request.clientAddress);
  }

  @Delete('bans/:userId')
  @RateLimit(WRITE_LIMITS.moderation)
  @HttpCode(204)
  @ApiOperation({
    summary: "Lift a user's ban",
    description:
      'Owner/admin; 204 also when there was none. Audited (member.unbanned). The user is not added back: an owner ' +
      'or admin can add them again.',
  })
  @ApiNoContentResponse({ description: 'The ban, if any, is lifted' })
  @ApiBadRequestResponse(BAD_INPUT)
  @ApiForbiddenResponse(NOT_MANAGER)
  @ApiNotFoundResponse(NOT_FOUND)
  unban(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('userId', uuidParam('userId')) userId: string,
    @Req() request: FastifyRequest,
  ) {
    return this.bans.unban(caller.userId, id, userId, request.clientAddress);
  }

  @Get('bans')
  @ApiOperation({
    summary: 'The bans in force',
    description:
      'Owner/admin; newest first. Bans past their until are left out. Paginated with limit (1–100, default 20) and cursor.',
  })
  @ApiOkResponse({ type: BanPageResponse })
  @ApiBadRequestResponse({ ...ERROR_BODY, description: 'VALIDATION_FAILED: a bad limit or cursor; NOT_A_GROUP' })
  @ApiForbiddenResponse(NOT_MANAGER)
  @ApiNotFoundResponse(NOT_FOUND)
  listBans(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string, @Query() query: ListQueryDto) {
    return this.bans.list(caller.userId, id, query.limit, query.cursor);
  }

  @Post('members/:userId/mute')
  @RateLimit(WRITE_LIMITS.moderation)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mute a member',
    description:
      '{ until? } → 200 { conversationId, userId, until }. A muted member still reads, but gets 403 MEMBER_MUTED on send, edit, react, pin and typing.start, over REST and ' +
      'sockets, on every instance from this answer on. The owner mutes anyone but themself, an admin plain members. ' +
      'until (ISO-8601, in the future) ends the mute by itself; without it the mute lasts until lifted. Muting again ' +
      'replaces until. Members get member.updated { conversationId, userId, moderationMute }. Audited (member.muted).',
  })
  @ApiOkResponse({ type: MemberMuteResponse })
  @ApiBadRequestResponse(BAD_INPUT)
  @ApiForbiddenResponse(NOT_MANAGER)
  @ApiNotFoundResponse({ ...ERROR_BODY, description: `${NOT_FOUND.description}; MEMBER_NOT_FOUND: not a member` })
  mute(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('userId', uuidParam('userId')) userId: string,
    @Body() dto: MemberMuteDto,
    @Req() request: FastifyRequest,
  ) {
    return this.mutes.mute(caller.userId, id, userId, dto, request.clientAddress);
  }

  @Delete('members/:userId/mute')
  @RateLimit(WRITE_LIMITS.moderation)
  @HttpCode(204)
  @ApiOperation({
    summary: "Lift a member's mute",
    description:
      'The same rules as muting; 204 also when they were not muted. Members get member.updated with moderationMute null when a mute was lifted. Audited (member.unmuted).',
  })
  @ApiNoContentResponse({ description: 'The member is not muted' })
  @ApiBadRequestResponse(BAD_INPUT)
  @ApiForbiddenResponse(NOT_MANAGER)
  @ApiNotFoundResponse({ ...ERROR_BODY, description: `${NOT_FOUND.description}; MEMBER_NOT_FOUND: not a member` })
  unmute(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('userId', uuidParam('userId')) userId: string,
    @Req() request: FastifyRequest,
  ) {
    return this.mutes.unmute(caller.userId, id, userId, request.clientAddress);
  }
}
