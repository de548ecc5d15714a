import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiErrors, ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { userNotFound } from '#src/users/users.errors.js';
import { PresenceQueryDto } from './dto/presence-query.dto.js';
import { PresenceStatusDto } from './dto/presence-status.dto.js';
import { PresencesResponse, PresenceViewResponse } from './dto/presence-view.response.js';
import { PresenceStatusService } from './presence-status.service.js';
import { PresenceService } from './presence.service.js';

/** Who sees it, in one place for both routes' documentation. */
const VISIBILITY =
  'Only contacts (users who share a conversation both have accepted, with no block either way) and the user themselves see the real state; ' +
  'anyone else gets { online: false, status: "offline", statusText: null, lastSeenAt: null }, the same as for a user never seen. ' +
  'Contacts see a connected user\'s status (online, away or dnd) and statusText; a user not connected, or invisible, is status "offline" with statusText null. ' +
  'A user whose settings.showLastSeen is false has lastSeenAt null for their contacts, here, in presence.query and in presence events, from the moment they change it; they still see their own.';

const STATUS_DESCRIPTION = [
  "Replaces the caller's status (fields left out are cleared) and answers their own presence, which shows the chosen status, invisible included, with its text; online says whether they are connected.",
  'Contacts of a connected user get a presence event for the change. invisible: to everyone else the user looks exactly offline (online false, status offline, statusText null) on REST, in presence.query and in events, and lastSeenAt stays as it was when they went invisible, whatever they do meanwhile;',
  'going invisible while connected looks like a disconnect, and becoming visible again like a connect. dnd: no device push.',
  'expiresAt (a future ISO-8601 time) ends the status by itself: it is online with no text from then on, and contacts of a connected user get the event without any request.',
  'The status is stored, so it holds on every instance and after reconnecting. Limited with the other account changes (ACCOUNT_CHANGES_PER_MINUTE_PER_USER).',
].join(' ');

@ApiTags('users')
@ApiSignedIn()
@Controller(`${API_PREFIX}/users`)
export class PresenceController {
  constructor(
    private readonly presence: PresenceService,
    private readonly statuses: PresenceStatusService,
  ) {}

  @Put('me/status')
  @RateLimit(WRITE_LIMITS.accountChanges)
  @ApiOperation({
    summary: 'Set your presence status: online, away, dnd or invisible',
    description: STATUS_DESCRIPTION,
  })
  @ApiOkResponse({ type: PresenceViewResponse, description: 'Your own presence' })
  @ApiErrors({ 400: 'VALIDATION_FAILED naming status, statusText or expiresAt' })
  setStatus(@Caller() caller: AuthContext, @Body() change: PresenceStatusDto) {
    return this.statuses.set(caller.userId, change);
  }

  @Get(':id/presence')
  @RateLimit(WRITE_LIMITS.presenceReads)
  @ApiOperation({
    summary: "A user's presence",
    description: `{ userId, online, status, statusText, lastSeenAt }: online while the user has a socket on any instance; lastSeenAt is when they last came or went. ${VISIBILITY} 404 USER_NOT_FOUND for an unknown id.`,
  })
  @ApiOkResponse({ type: PresenceViewResponse })
  @ApiErrors(400, { 404: 'USER_NOT_FOUND: no user has this id' })
  async one(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    const [view] = await this.presence.query(caller.userId, [id]);
    if (!view) throw userNotFound();
    return view;
  }

  @Post('presence')
  @RateLimit(WRITE_LIMITS.presenceReads)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Presence of many users',
    description: `Presence of up to 200 users: { items: [{ userId, online, status, statusText, lastSeenAt }] } (unknown ids left out). ${VISIBILITY}`,
  })
  @ApiOkResponse({ type: PresencesResponse })
  @ApiErrors(400)
  async many(@Caller() caller: AuthContext, @Body() dto: PresenceQueryDto) {
    return { items: await this.presence.query(caller.userId, [...new Set(dto.userIds)]) };
  }
}
