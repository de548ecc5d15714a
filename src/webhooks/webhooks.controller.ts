import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AdminOnly } from '#src/admin/admin-access.js';
import { ApiAdminRoutes } from '#src/admin/admin-docs.js';
import { API_PREFIX, ERROR_BODY } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ListQueryDto } from '#src/common/pagination/pagination.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { WebhookCreateDto } from './dto/webhook-create.dto.js';
import { CreatedWebhookResponse, DeliveriesResponse, WebhooksResponse } from './dto/webhook.response.js';
import { WebhooksService } from './webhooks.service.js';

const DELIVERY =
  'Each event is a POST of { type, timestamp, data } (data: the resource as the API presents it) with the headers ' +
  'webhook-id (the delivery id, the same on every retry), webhook-timestamp (unix seconds of the attempt) and ' +
  'webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body" keyed with the base64-decoded part of the secret ' +
  'after whsec_>. A 2xx answer delivers it; anything else, or no answer within WEBHOOK_TIMEOUT_MS, is retried with ' +
  'backoff until 24 h after the event, then the delivery has failed. See docs/webhooks.md.';

@ApiAdminRoutes()
@AdminOnly()
@Controller(`${API_PREFIX}/admin/webhooks`)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @RateLimit(WRITE_LIMITS.webhookChanges)
  @ApiOperation({
    summary: 'Subscribe a URL to events',
    description:
      `The secret is shown in this answer only: keep it to verify signatures. ${DELIVERY} ` +
      'At most 50 webhooks. Audited as webhook.created.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookResponse })
  @ApiBadRequestResponse({
    ...ERROR_BODY,
    description:
      'VALIDATION_FAILED: url not an http(s) URL, over 2048 characters, or its host a private, loopback or metadata ' +
      'address (unless OUTBOUND_ALLOW_PRIVATE_ADDRESSES); events empty, repeated or not in the list',
  })
  @ApiConflictResponse({ ...ERROR_BODY, description: 'WEBHOOK_LIMIT: 50 webhooks exist already' })
  create(@Caller() caller: AuthContext, @Body() dto: WebhookCreateDto, @Req() request: FastifyRequest) {
    return this.webhooks.create(caller.userId, dto, request.clientAddress);
  }

  @Get()
  @ApiOperation({ summary: 'Every webhook', description: 'Oldest first, without their secrets.' })
  @ApiOkResponse({ type: WebhooksResponse })
  list() {
    return this.webhooks.list();
  }

  @Delete(':id')
  @RateLimit(WRITE_LIMITS.webhookChanges)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a webhook and its deliveries',
    description: 'None is attempted after (one under way may still arrive). Audited as webhook.deleted.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiBadRequestResponse({ ...ERROR_BODY, description: 'VALIDATION_FAILED: id is not a UUID' })
  @ApiNotFoundResponse({ ...ERROR_BODY, description: 'WEBHOOK_NOT_FOUND: no webhook with this id' })
  remove(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string, @Req() request: FastifyRequest) {
    return this.webhooks.remove(caller.userId, id, request.clientAddress);
  }

  @Get(':id/deliveries')
  @ApiOperation({
    summary: "A webhook's deliveries",
    description:
      'Newest first. A delivery id is the webhook-id its attempts carry. Settled deliveries are kept for 30 days.',
  })
  @ApiOkResponse({ type: DeliveriesResponse })
  @ApiBadRequestResponse({
    ...ERROR_BODY,
    description: 'VALIDATION_FAILED: id is not a UUID, or a bad limit or cursor',
  })
  @ApiNotFoundResponse({ ...ERROR_BODY, description: 'WEBHOOK_NOT_FOUND: no webhook with this id' })
  deliveries(@Param('id', uuidParam('id')) id: string, @Query() query: ListQueryDto) {
    return this.webhooks.deliveriesOf(id, query.limit, query.cursor);
  }
}
