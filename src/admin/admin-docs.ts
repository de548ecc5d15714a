import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ERROR_BODY } from '#src/common/api.js';

/** What every `/admin` controller documents besides its routes: who may call it, and the two refusals. */
export const ApiAdminRoutes = () =>
  applyDecorators(
    ApiTags('admin'),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ ...ERROR_BODY, description: 'UNAUTHORIZED: missing, invalid, expired or revoked token' }),
    ApiForbiddenResponse({
      ...ERROR_BODY,
      description: 'FORBIDDEN for anyone but a system admin (role admin, or an email in ADMIN_EMAILS)',
    }),
  );
