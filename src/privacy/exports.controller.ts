import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { ExportViewResponse } from './dto/export-view.response.js';
import { ExportsService } from './exports.service.js';

const ERROR_BODY = { schema: { $ref: getSchemaPath('ErrorBody') } };
const UNAUTHORIZED = { description: 'UNAUTHORIZED: no valid access token', ...ERROR_BODY };

@ApiTags('users')
@ApiSignedIn()
@Controller(`${API_PREFIX}/users/me/export`)
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Post()
  @RateLimit(WRITE_LIMITS.exports)
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask for an archive of your data',
    description:
      'Answers 202 { id, status: "pending", createdAt, … }. A worker (on any instance) builds one JSON file: profile, settings, sessions, devices (no push tokens), ' +
      'blocks, conversations (your membership in each, with the ids of its members), your own messages ' +
      '(tombstones aside) and your uploads’ metadata; nothing of other users beyond their ids. Follow it with ' +
      'GET /users/me/export/:id. While one export is in progress, asking again answers that one (same id, 202) ' +
      'and starts nothing. Once built, it is kept EXPORT_KEEP_HOURS (72) and a newer one replaces it. ' +
      'Limited by EXPORTS_PER_MINUTE_PER_USER.',
  })
  @ApiAcceptedResponse({ type: ExportViewResponse, description: 'The new export, or the one already in progress' })
  @ApiUnauthorizedResponse(UNAUTHORIZED)
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED, with Retry-After', ...ERROR_BODY })
  request(@Caller() caller: AuthContext) {
    return this.exports.request(caller.userId);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One of your exports',
    description:
      '{ id, status, createdAt, completedAt, expiresAt, size }, and once ready { url, urlExpiresAt }. url is a signed link to the archive (application/json, downloaded as an attachment), valid for ' +
      'EXPORT_LINK_SECONDS (300) and never past the archive’s own expiry: ask again for a fresh one. Another ' +
      'user’s export id answers 404 EXPORT_NOT_FOUND, as an unknown one does.',
  })
  @ApiOkResponse({ type: ExportViewResponse })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: id is not a UUID', ...ERROR_BODY })
  @ApiUnauthorizedResponse(UNAUTHORIZED)
  @ApiNotFoundResponse({ description: 'EXPORT_NOT_FOUND: no export of yours with this id', ...ERROR_BODY })
  status(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.exports.status(caller.userId, id);
  }
}
