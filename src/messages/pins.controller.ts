import { Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiErrors, ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { PinResponse, PinsResponse } from './dto/pin.response.js';
import { PinsService } from './pins.service.js';

const NOT_VISIBLE = {
  404: 'CONVERSATION_NOT_FOUND: you are not a member; MESSAGE_NOT_FOUND: not in this conversation, hidden from you or deleted',
} as const;

@ApiTags('messages')
@ApiSignedIn()
@Controller(`${API_PREFIX}/conversations/:id/pins`)
export class PinsController {
  constructor(private readonly pins: PinsService) {}

  @Get()
  @ApiOperation({
    summary: 'The pinned messages',
    description:
      '{ items: [{ message, pinnedBy, pinnedAt }] }, newest pin first, at most 50 (no ' +
      'pagination). Messages you hid are left out; a deleted message is unpinned when it is deleted.',
  })
  @ApiOkResponse({ type: PinsResponse })
  @ApiErrors(400, { 404: 'CONVERSATION_NOT_FOUND: you are not a member' })
  list(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.pins.list(caller.userId, id);
  }

  @Put(':messageId')
  @RateLimit(WRITE_LIMITS.pins)
  @ApiOperation({
    summary: 'Pin a message',
    description:
      'Group: owner/admin, else 403 NOT_GROUP_ADMIN; direct: either member. 200 { message, ' +
      'pinnedBy, pinnedAt }. Idempotent: pinning a pinned message answers the same pin and sends no event. ' +
      '404 MESSAGE_NOT_FOUND for a message not in this conversation, hidden from you or deleted; 409 PIN_LIMIT ' +
      'past 50 pins; 403 REQUEST_PENDING / REQUEST_DECLINED / BLOCKED when you may not write. Members get ' +
      'pins.updated.',
  })
  @ApiOkResponse({ type: PinResponse })
  @ApiErrors(400, NOT_VISIBLE, {
    403: 'NOT_GROUP_ADMIN; REQUEST_PENDING / REQUEST_DECLINED; BLOCKED; MEMBER_MUTED; CONVERSATION_FROZEN',
    409: 'PIN_LIMIT: 50 pins already',
  })
  pin(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('messageId', uuidParam('messageId')) messageId: string,
  ) {
    return this.pins.pin(caller.userId, id, messageId);
  }

  @Delete(':messageId')
  @RateLimit(WRITE_LIMITS.pins)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Unpin a message',
    description:
      'Same roles as pinning; allowed across a block. Idempotent: 204 whether it was pinned ' +
      'or not, and pins.updated only when a pin was removed. 404 MESSAGE_NOT_FOUND for a message not in this ' +
      'conversation or hidden from you.',
  })
  @ApiNoContentResponse({ description: 'Not pinned' })
  @ApiErrors(400, { 403: 'NOT_GROUP_ADMIN: a plain member of a group' }, NOT_VISIBLE)
  unpin(
    @Caller() caller: AuthContext,
    @Param('id', uuidParam('id')) id: string,
    @Param('messageId', uuidParam('messageId')) messageId: string,
  ) {
    return this.pins.unpin(caller.userId, id, messageId);
  }
}
