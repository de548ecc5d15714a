import { Body, Controller, Delete, HttpCode, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiErrors, ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { NotForBots } from '#src/common/decorators/not-for-bots.decorator.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { AuthService } from './auth.service.js';
import { AccountDeleteDto } from './dto/account-delete.dto.js';

/**
 * `DELETE /users/me` lives with auth: deleting an account ends every one of its sessions. A bot is
 * deleted by an admin (`DELETE /admin/bots/:id`), never by its own key.
 */
@ApiTags('users')
@ApiSignedIn()
@NotForBots()
@Controller(`${API_PREFIX}/users`)
export class AccountController {
  constructor(private readonly auth: AuthService) {}

  @Delete('me')
  @RateLimit(WRITE_LIMITS.accountChanges)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete your account',
    description:
      'The password given again: { password, eraseMessages? }. Every session is revoked (sockets closed on every instance) and the profile anonymised (GET /users/:id ' +
      'answers { deleted: true }; the email and username are free again). Without eraseMessages the messages ' +
      'remain, from a deleted user. With eraseMessages: true every message the account sent is tombstoned as a ' +
      'deletion by its author leaves it (body and attachments gone, seq kept, reactions and pins dropped) and ' +
      'every upload of the account is deleted, bytes and rows. The erasure is recorded with the deletion, in ' +
      'one transaction, and carried out by a worker on any instance within seconds, in batches (however large ' +
      'the history, the answer does not wait for it); members get message.deleted for each message, and sync ' +
      'shows the tombstones. A missing or wrong password is 401 INVALID_CREDENTIALS; failed attempts count ' +
      'with the failed sign-ins of the account (429 RATE_LIMITED past 5 a minute from one address). Limited ' +
      'with the other account changes (ACCOUNT_CHANGES_PER_MINUTE_PER_USER).',
  })
  @ApiNoContentResponse({ description: 'Deleted (and, with eraseMessages, the erasure recorded)' })
  @ApiErrors({
    400: 'VALIDATION_FAILED: password not a string or over 128 characters, eraseMessages not a boolean',
    401: 'INVALID_CREDENTIALS: the password is missing or wrong; UNAUTHORIZED: no valid access token',
    403: 'FORBIDDEN: called with a bot key (Authorization: Bot …)',
    429: 'RATE_LIMITED: past 5 failed password attempts a minute from one address',
  })
  delete(@Caller() caller: AuthContext, @Body() dto: AccountDeleteDto, @Req() request: FastifyRequest) {
    return this.auth.deleteAccount(caller, dto, { ip: request.clientAddress });
  }
}
