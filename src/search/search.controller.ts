import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiErrors, ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { MessageHitPageResponse } from './dto/message-hit.response.js';
import { MessageSearchDto } from './dto/message-search.dto.js';
import { SearchService } from './search.service.js';

@ApiTags('search')
@ApiSignedIn()
@Controller(`${API_PREFIX}/search`)
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get('messages')
  @RateLimit(WRITE_LIMITS.searches)
  @ApiOperation({
    summary: 'Search your messages',
    description:
      'Messages of your conversations that contain every word of q, most recent first: { items: [{ message, ' +
      'conversationId }], nextCursor }. Only conversations you accepted, only messages after your hide point, never ' +
      'deleted ones; an edited message is found by its current text. A page is stable under new messages. 404 for ' +
      'a conversationId you are not a member of; a request you have not accepted finds nothing. 60 searches/min per user.',
  })
  @ApiOkResponse({ type: MessageHitPageResponse })
  @ApiErrors({
    400: 'VALIDATION_FAILED: q not 2–200 characters with 2 that are not spaces, a bad conversationId, limit or cursor',
    404: 'CONVERSATION_NOT_FOUND: you are not a member of conversationId',
  })
  messages(@Caller() caller: AuthContext, @Query() query: MessageSearchDto) {
    return this.search.messages(caller.userId, query);
  }
}
