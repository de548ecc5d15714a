import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { AdminOnly } from '#src/admin/admin-access.js';
import { Actor, type AdminActor } from '#src/admin/admin-actor.js';
import { ApiAdminRoutes } from '#src/admin/admin-docs.js';
import { API_PREFIX, ERROR_BODY } from '#src/common/api.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { ReportListDto } from './dto/report-list.dto.js';
import { ReportResolveDto } from './dto/report-resolve.dto.js';
import { AdminReportPageResponse, AdminReportResponse } from './dto/report.response.js';
import { ReportReview } from './report-review.service.js';

@ApiAdminRoutes()
@AdminOnly()
@Controller(`${API_PREFIX}/admin/reports`)
export class AdminReportsController {
  constructor(private readonly review: ReportReview) {}

  @Get()
  @ApiOperation({ summary: 'Reports to review', description: 'Reports with a status (default open), newest first.' })
  @ApiOkResponse({ type: AdminReportPageResponse })
  @ApiBadRequestResponse({ ...ERROR_BODY, description: 'VALIDATION_FAILED: status, limit or cursor' })
  list(@Query() query: ReportListDto) {
    return this.review.list(query);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @RateLimit(WRITE_LIMITS.adminActions)
  @ApiOperation({
    summary: 'Resolve an open report',
    description:
      '{ action, note?, until? } → the AdminReport, resolved. dismiss: nothing else. delete_message: the reported message becomes a tombstone, as DELETE ' +
      '/admin/messages/:messageId does (one already deleted stays so). suspend_user: the reported user (the ' +
      "message's sender) is suspended as POST /admin/users/:id/suspend does, until until if given, the reason " +
      'naming the report. The action, the resolution and their audit rows (report.resolved, and message.deleted ' +
      'or user.suspended) commit together or not at all. A report is resolved once.',
  })
  @ApiOkResponse({ type: AdminReportResponse })
  @ApiBadRequestResponse({
    ...ERROR_BODY,
    description:
      'VALIDATION_FAILED (action; delete_message for a user report; until other than with suspend_user, or not in the future); CANNOT_SUSPEND_SELF: suspend_user of your own account',
  })
  @ApiNotFoundResponse({
    ...ERROR_BODY,
    description: 'REPORT_NOT_FOUND; USER_NOT_FOUND (suspend_user of a deleted account)',
  })
  @ApiForbiddenResponse({
    ...ERROR_BODY,
    description: 'FORBIDDEN: you are not a system admin; CANNOT_SUSPEND_ADMIN: suspend_user of a system admin',
  })
  @ApiConflictResponse({ ...ERROR_BODY, description: 'REPORT_ALREADY_RESOLVED: the report was resolved before' })
  resolve(@Actor() actor: AdminActor, @Param('id', uuidParam('id')) id: string, @Body() dto: ReportResolveDto) {
    return this.review.resolve(actor, id, dto);
  }
}
