import { Body, Controller, Delete, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AdminOnly } from '#src/admin/admin-access.js';
import { ApiAdminRoutes } from '#src/admin/admin-docs.js';
import { API_PREFIX, ERROR_BODY } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { BotsService } from './bots.service.js';
import { BotCreateDto } from './dto/bot-create.dto.js';
import { BotCreatedResponse } from './dto/bot-created.response.js';

@ApiAdminRoutes()
@AdminOnly()
@Controller(`${API_PREFIX}/admin/bots`)
export class BotsController {
  constructor(private readonly bots: BotsService) {}

  @Post()
  @RateLimit(WRITE_LIMITS.botChanges)
  @ApiOperation({
    summary: 'Create a bot',
    description:
      'Answers { user, apiKey }, the key shown this once (audited as bot.created). The bot is an account with role bot and no password: it never signs in or refreshes; it calls the API ' +
      'with Authorization: Bot <apiKey> (sockets: auth { apiKey }), can be added to conversations like a user, ' +
      'and is rate limited like one. Limited to BOT_CHANGES_PER_MINUTE_PER_USER per admin.',
  })
  @ApiCreatedResponse({ type: BotCreatedResponse })
  @ApiBadRequestResponse({ ...ERROR_BODY, description: 'VALIDATION_FAILED naming username or displayName' })
  @ApiConflictResponse({ ...ERROR_BODY, description: 'USERNAME_TAKEN: a user or bot has it (case-insensitive)' })
  create(@Caller() caller: AuthContext, @Body() dto: BotCreateDto, @Req() request: FastifyRequest) {
    return this.bots.create(caller, dto, request.clientAddress);
  }

  @Delete(':id')
  @RateLimit(WRITE_LIMITS.botChanges)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a bot and revoke its key',
    description:
      'Audited as bot.deleted. From the answer on its key is refused (401) on every instance and its open sockets get session.revoked ' +
      'and are closed. Its messages remain, from a deleted account (deleted: true, bot: true).',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiBadRequestResponse({ ...ERROR_BODY, description: 'VALIDATION_FAILED: id is not a UUID' })
  @ApiNotFoundResponse({ ...ERROR_BODY, description: 'BOT_NOT_FOUND: no bot has this id, or it is already deleted' })
  delete(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string, @Req() request: FastifyRequest) {
    return this.bots.delete(caller, id, request.clientAddress);
  }
}
