import { Controller, Delete, HttpCode } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { AuthService } from './auth.service.js';

/** `DELETE /users/me` lives with auth: deleting an account ends every one of its sessions. */
@ApiTags('users')
@ApiBearerAuth()
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
  delete(@Caller() caller: AuthContext) {
    return this.auth.deleteAccount(caller);
  }
}
