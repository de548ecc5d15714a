import { applyDecorators } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';

/** What every `/admin` controller documents besides its routes: who may call it, and the refusals. */
export const ApiAdminRoutes = () =>
  applyDecorators(
    ApiTags('admin'),
    ApiSignedIn(),
    ApiErrors({ 403: 'FORBIDDEN for anyone but a system admin (role admin, or an email in ADMIN_EMAILS)' }),
  );
