import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation } from '@nestjs/swagger';
import { AdminOnly } from '#src/admin/admin-access.js';
import { Actor, type AdminActor } from '#src/admin/admin-actor.js';
import { ApiAdminRoutes } from '#src/admin/admin-docs.js';
import { API_PREFIX } from '#src/common/api.js';
import { ApiErrors } from '#src/common/decorators/api-errors.decorator.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { MessageModeration } from './message-moderation.service.js';

@ApiAdminRoutes()
@AdminOnly()
@Controller(`${API_PREFIX}/admin/messages`)
export class AdminMessagesController {
  constructor(private readonly moderation: MessageModeration) {}

  @Delete(':messageId')
  @RateLimit(WRITE_LIMITS.adminActions)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete any message',
    description:
      'It becomes a tombstone, exactly as when its author deletes it. Members get message.deleted (and pins.updated when it was pinned) on every instance; caches, unread ' +
      'mention counts and sync follow. Audited as message.deleted in the same transaction. A message already ' +
      'deleted answers 204 again and writes no audit row.',
  })
  @ApiNoContentResponse({ description: 'The message is a tombstone' })
  @ApiErrors(400, { 404: 'MESSAGE_NOT_FOUND: no message has this id' })
  delete(@Actor() actor: AdminActor, @Param('messageId', uuidParam('messageId')) messageId: string) {
    return this.moderation.delete(actor, messageId);
  }
}
