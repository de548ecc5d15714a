import { Controller, Delete, HttpCode } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { NotForBots } from '#src/common/decorators/not-for-bots.decorator.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { AuthService } from './auth.service.js';

/**
 * `DELETE /users/me` lives with auth: deleting an account ends every one of its sessions. A bot is
 * deleted by an admin (`DELETE /admin/bots/:id`), never by its own key.
 */
@ApiTags('users')
@ApiBearerAuth()
@NotForBots()
@Controller(`${API_PREFIX}/users`)
export class AccountController {
  constructor(private readonly auth: AuthService) {}

  @Delete('me')
  @RateLimit(WRITE_LIMITS.accountChanges)
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Delete the account: every session is revoked and the profile anonymised; messages remain, from a deleted user.',
  })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({
    schema: { $ref: getSchemaPath('ErrorBody') },
    description: 'FORBIDDEN: called with a bot key (Authorization: Bot …)',
  })
  delete(@Caller() caller: AuthContext) {
    return this.auth.deleteAccount(caller);
  }
}
