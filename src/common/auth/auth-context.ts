import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Who is calling: set on the request by the access-token guard. */
export interface AuthContext {
  userId: string;
  sessionId: string;
  /** Id of the access token. */
  jti: string;
  /** When the access token expires (ms since epoch). */
  expiresAt: number;
}

export type AuthenticatedRequest = FastifyRequest & { auth?: AuthContext };

/** The caller of an authenticated route. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): AuthContext => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('Caller used on a route without the access-token guard');
  return auth;
});
