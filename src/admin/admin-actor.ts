import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '#src/common/auth/auth-context.js';

/** The admin behind an action, as its audit row records them: who, and from which client address. */
export interface AdminActor {
  userId: string;
  ip: string;
}

/** The calling admin of a route behind `AdminOnly()`. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): AdminActor => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.auth) throw new Error('Actor used on a route without the access-token guard');
  return { userId: request.auth.userId, ip: request.clientAddress };
});
