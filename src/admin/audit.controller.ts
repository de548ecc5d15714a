import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { API_PREFIX, ERROR_BODY } from '#src/common/api.js';
import { ListQueryDto } from '#src/common/pagination/pagination.js';
import { AdminOnly } from './admin-access.js';
import { ApiAdminRoutes } from './admin-docs.js';
import { AuditLog } from './audit.service.js';
import { AuditPageResponse } from './dto/audit-entry.response.js';

@ApiAdminRoutes()
@AdminOnly()
@Controller(`${API_PREFIX}/admin/audit`)
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @ApiOperation({
    summary: 'The audit log',
    description:
      'Every admin and security action, newest first. Each row is written in the same transaction as its action: an action that failed left none. ' +
      'Actions: user.suspended, user.unsuspended, report.resolved, message.deleted, admin.granted, admin.revoked, ' +
      'and those of other features (bans, webhooks, bots).',
  })
  @ApiOkResponse({ type: AuditPageResponse })
  @ApiBadRequestResponse({
    ...ERROR_BODY,
    description: 'VALIDATION_FAILED: limit out of 1–100, or a cursor not issued here',
  })
  list(@Query() query: ListQueryDto) {
    return this.audit.page(query.limit, query.cursor);
  }
}
