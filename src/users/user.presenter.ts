import type { User } from '#src/generated/prisma/client.js';

/** The signed-in user's own view of the account (never the password hash). */
export interface UserMe {
  id: string;
  email: string;
  username: string;
  displayName: string | null;
  bio: string | null;
  avatarUrl: string | null;
  createdAt: string;
}

export const toUserMe = (user: User): UserMe => ({
  id: user.id,
  email: user.email,
  username: user.username,
  displayName: user.displayName,
  bio: user.bio,
  avatarUrl: user.avatarUrl,
  createdAt: user.createdAt.toISOString(),
});
