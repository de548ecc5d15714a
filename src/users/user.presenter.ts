import type { User } from '#src/generated/prisma/client.js';

/** The user's own settings: only `GET /users/me` shows them, never the public profile. */
export interface UserSettings {
  /** Whether other members see the user's read and delivery marks. */
  readReceipts: boolean;
  /** Whether contacts see the user's `lastSeenAt`. */
  showLastSeen: boolean;
}

/** The signed-in user's own view of the account (never the password hash). */
export interface UserMe {
  id: string;
  email: string;
  username: string;
  displayName: string | null;
  bio: string | null;
  avatarUrl: string | null;
  createdAt: string;
  settings: UserSettings;
}

/** What anyone may see of a user. A deleted account stays visible as such, so its messages still have an author. */
export interface PublicProfile {
  id: string;
  username: string;
  displayName: string | null;
  bio: string | null;
  avatarUrl: string | null;
  createdAt: string;
  deleted: boolean;
  /** A bot's account (created by an admin, calling the API with a key), for clients to badge. */
  bot: boolean;
}

export const toUserMe = (user: User): UserMe => ({
  id: user.id,
  email: user.email,
  username: user.username,
  displayName: user.displayName,
  bio: user.bio,
  avatarUrl: user.avatarUrl,
  createdAt: user.createdAt.toISOString(),
  settings: { readReceipts: user.readReceipts, showLastSeen: user.showLastSeen },
});

/** The columns a public profile is made of. */
export type ProfileSource = Pick<
  User,
  'id' | 'username' | 'displayName' | 'bio' | 'avatarUrl' | 'createdAt' | 'deletedAt' | 'role'
>;

export const toPublicProfile = (user: ProfileSource): PublicProfile => ({
  id: user.id,
  username: user.username,
  displayName: user.displayName,
  bio: user.bio,
  avatarUrl: user.avatarUrl,
  createdAt: user.createdAt.toISOString(),
  deleted: user.deletedAt !== null,
  bot: user.role === 'bot',
});

/** One entry of `GET /users/me/blocks`. */
export interface BlockView {
  user: PublicProfile;
  blockedAt: string;
}
