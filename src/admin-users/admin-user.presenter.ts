import { currentSuspension, type StoredSuspension } from '#src/users/suspension.js';

/** The columns of a user row an admin sees. */
export interface AdminUserSource extends StoredSuspension {
  id: string;
  email: string;
  username: string;
  displayName: string | null;
  role: string;
  createdAt: Date;
  deletedAt: Date | null;
}

export interface SuspensionView {
  since: string;
  /** null: until lifted. */
  until: string | null;
  reason: string;
}

/** A user as a system admin sees them: the email, the role and the account's state. */
export interface AdminUserView {
  id: string;
  email: string;
  username: string;
  displayName: string | null;
  /** As stored: `user`, `admin` or `bot`. */
  role: string;
  /** A system admin now: role `admin`, or an email in ADMIN_EMAILS. */
  admin: boolean;
  /** The suspension in force, if any: one whose `until` has passed shows as none. */
  suspension: SuspensionView | null;
  deletedAt: string | null;
  createdAt: string;
}

export function toAdminUserView(user: AdminUserSource, admin: boolean, now = new Date()): AdminUserView {
  const suspension = currentSuspension(user, now);
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    admin,
    suspension: suspension && {
      since: suspension.since.toISOString(),
      until: suspension.until?.toISOString() ?? null,
      reason: suspension.reason,
    },
    deletedAt: user.deletedAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  };
}
