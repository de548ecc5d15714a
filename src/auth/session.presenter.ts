import type { Session } from '#src/generated/prisma/client.js';

/** One signed-in device, as `GET /auth/sessions` lists it. */
export interface SessionView {
  id: string;
  device: { name: string | null; type: string | null; os: string | null };
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastActiveAt: string;
  /** The session of the access token that asked. */
  current: boolean;
}

export const toSessionView = (session: Session, currentSessionId: string): SessionView => ({
  id: session.id,
  device: { name: session.deviceName, type: session.deviceType, os: session.deviceOs },
  ip: session.ip,
  userAgent: session.userAgent,
  createdAt: session.createdAt.toISOString(),
  lastActiveAt: session.lastActiveAt.toISOString(),
  current: session.id === currentSessionId,
});
