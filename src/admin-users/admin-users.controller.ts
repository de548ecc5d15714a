import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
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
import { AdminUsersService } from './admin-users.service.js';
import { AdminUserPageResponse, AdminUserResponse } from './dto/admin-user.response.js';
import { AdminUserSearchDto } from './dto/admin-user-search.dto.js';
import { SuspendDto } from './dto/suspend.dto.js';
import { SuspensionsService } from './suspensions.service.js';

const NOT_FOUND = { ...ERROR_BODY, description: 'USER_NOT_FOUND: no account with this id, or a deleted one' };

@ApiAdminRoutes()
@AdminOnly()
@Controller(`${API_PREFIX}/admin/users`)
export class AdminUsersController {
  constructor(
    private readonly users: AdminUsersService,
    private readonly suspensions: SuspensionsService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Find accounts',
    description:
      'Every account, deleted ones included, by username. search matches the start of the email, the username or the display name, without case.',
  })
  @ApiOkResponse({ type: AdminUserPageResponse })
  @ApiBadRequestResponse({ ...ERROR_BODY, description: 'VALIDATION_FAILED: search over 254 characters, limit, cursor' })
  list(@Query() query: AdminUserSearchDto) {
    return this.users.list(query);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @RateLimit(WRITE_LIMITS.adminActions)
  @ApiOperation({
    summary: 'Suspend an account',
    description:
      '{ until?, reason } → the AdminUser, suspended. Every session of the account is revoked at once: its access tokens are refused, its sockets get ' +
      'session.revoked and are closed on every instance. Sign-in and refresh answer 403 ACCOUNT_SUSPENDED until ' +
      'until (for good without it); the suspension ends by itself then, with no request. Suspending again ' +
      'replaces the suspension in force. Audited as user.suspended, in the same transaction.',
  })
  @ApiOkResponse({ type: AdminUserResponse })
  @ApiBadRequestResponse({
    ...ERROR_BODY,
    description:
      'VALIDATION_FAILED (reason missing, blank or over 500; until not a future date-time); CANNOT_SUSPEND_SELF',
  })
  @ApiForbiddenResponse({
    ...ERROR_BODY,
    description: 'FORBIDDEN: you are not a system admin; CANNOT_SUSPEND_ADMIN: the account is a system admin',
  })
  @ApiNotFoundResponse(NOT_FOUND)
  suspend(@Actor() actor: AdminActor, @Param('id', uuidParam('id')) id: string, @Body() dto: SuspendDto) {
    return this.suspensions.suspend(actor, id, dto);
  }

  @Post(':id/unsuspend')
  @HttpCode(200)
  @RateLimit(WRITE_LIMITS.adminActions)
  @ApiOperation({
    summary: 'Lift a suspension',
    description:
      'The user may sign in again; the sessions the suspension revoked stay revoked. Audited as ' +
      'user.unsuspended. An account not suspended is answered as it is, with no audit row.',
  })
  @ApiOkResponse({ type: AdminUserResponse, description: 'The account, not suspended' })
  @ApiBadRequestResponse({ ...ERROR_BODY, description: 'VALIDATION_FAILED: id is not a UUID' })
  @ApiNotFoundResponse(NOT_FOUND)
  unsuspend(@Actor() actor: AdminActor, @Param('id', uuidParam('id')) id: string) {
    return this.suspensions.unsuspend(actor, id);
  }
}
