import { Body, Controller, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { API_PREFIX, ERROR_BODY } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { ReportCreateDto } from './dto/report-create.dto.js';
import { ReportResponse } from './dto/report.response.js';
import { ReportsService } from './reports.service.js';

@ApiTags('reports')
@ApiSignedIn()
@Controller(`${API_PREFIX}/reports`)
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post()
  @RateLimit(WRITE_LIMITS.reports)
  @ApiOperation({
    summary: 'Report a message or a user to the system admins',
    description:
      '{ messageId } or { userId }, reason, note?. A message must be one you can see: of a conversation you are in, not sent before you hid it; any other ' +
      'id is 404 MESSAGE_NOT_FOUND, as for an unknown one. Reporting a message reports its sender too (userId). ' +
      'One open report per reporter and target: reporting the same target again while your report is open ' +
      'answers 200 with that report, unchanged; once it is resolved you may report again.',
  })
  @ApiCreatedResponse({ type: ReportResponse, description: 'The new report' })
  @ApiOkResponse({ type: ReportResponse, description: 'Your open report of the same target, as it was' })
  @ApiBadRequestResponse({
    ...ERROR_BODY,
    description:
      'VALIDATION_FAILED (neither or both of messageId and userId, reason, note over 1000); CANNOT_REPORT_SELF',
  })
  @ApiUnauthorizedResponse({ ...ERROR_BODY, description: 'Missing, invalid, expired or revoked access token' })
  @ApiNotFoundResponse({
    ...ERROR_BODY,
    description: 'MESSAGE_NOT_FOUND (unknown or not visible to you); USER_NOT_FOUND',
  })
  @ApiConflictResponse({ ...ERROR_BODY, description: 'MESSAGE_DELETED: the message is already deleted' })
  async create(
    @Caller() caller: AuthContext,
    @Body() dto: ReportCreateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { report, created } = await this.reports.create(caller.userId, dto);
    void reply.status(created ? 201 : 200);
    return report;
  }
}
