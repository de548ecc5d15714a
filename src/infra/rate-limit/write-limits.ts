import type { AuthenticatedRequest } from '#src/common/auth/auth-context.js';
import type { RateLimitRule, RateLimitSetting } from './rate-limit.rule.js';

/** Who a per-user limit counts, the same from a REST request as from a socket, so both share one budget. */
export const userSubject = (userId: string) => `user:${userId}`;

/** A limit per signed-in user over a sliding minute, sized by a setting. */
export function perUserPerMinute(name: string, limit: RateLimitSetting): RateLimitRule {
  return {
    name,
    limit,
    windowMs: 60_000,
    by: (request) => {
      const userId = (request as AuthenticatedRequest).auth?.userId;
      return userId ? userSubject(userId) : undefined;
    },
  };
}

/**
 * The per-user limits of every write besides sending (see SEND_LIMIT), one budget per kind of
 * write. A route and a socket event that do the same thing use the same rule.
 */
export const WRITE_LIMITS = {
  /** Editing and deleting messages. */
  messageChanges: perUserPerMinute('message-changes', 'MESSAGE_CHANGES_PER_MINUTE_PER_USER'),
  /** Adding and removing reactions. */
  reactions: perUserPerMinute('reactions', 'REACTIONS_PER_MINUTE_PER_USER'),
  /** Pinning and unpinning messages. */
  pins: perUserPerMinute('pins', 'PINS_PER_MINUTE_PER_USER'),
  /** Read marks: `POST /conversations/:id/read`, `conversation.read`, and those of notifications. */
  readMarks: perUserPerMinute('read-marks', 'READ_MARKS_PER_MINUTE_PER_USER'),
  /**
   * Delivery marks: `POST /conversations/:id/delivered` and `conversation.delivered`. Their own
   * budget: every device acknowledges every message it receives, in every conversation, far more
   * often than anyone reads, and a burst of them must not use up the read marks.
   */
  deliveryMarks: perUserPerMinute('delivery-marks', 'DELIVERY_MARKS_PER_MINUTE_PER_USER'),
  /** Opening direct conversations and creating groups. */
  conversationCreates: perUserPerMinute('conversation-creates', 'CONVERSATIONS_PER_MINUTE_PER_USER'),
  /** Members, roles, accept / decline / hide, title, slow mode, freeze and the caller's own mute. */
  conversationChanges: perUserPerMinute('conversation-changes', 'MEMBER_CHANGES_PER_MINUTE_PER_USER'),
  /** Bans and moderation mutes, placed and lifted, by a group's owner and admins. */
  moderation: perUserPerMinute('moderation', 'BANS_AND_MUTES_PER_MINUTE_PER_USER'),
  /** Profile and status changes, blocks, session revocations and account deletion. */
  accountChanges: perUserPerMinute('account-changes', 'ACCOUNT_CHANGES_PER_MINUTE_PER_USER'),
  /** Presence lookups, over REST and `presence.query`. */
  presenceReads: perUserPerMinute('presence-reads', 'PRESENCE_READS_PER_MINUTE_PER_USER'),
  /** Message search: each one reads an index, not a cache. */
  searches: perUserPerMinute('searches', 'SEARCHES_PER_MINUTE_PER_USER'),
  /** Catch-up after being away, over REST and the `sync` event. */
  syncs: perUserPerMinute('syncs', 'SYNCS_PER_MINUTE_PER_USER'),
  /** Declaring and completing uploads. */
  uploads: perUserPerMinute('uploads', 'UPLOADS_PER_MINUTE_PER_USER'),
  /** Creating and deleting webhooks (admins). */
  webhookChanges: perUserPerMinute('webhook-changes', 'WEBHOOK_CHANGES_PER_MINUTE_PER_USER'),
  /** Reports of messages and users (`POST /reports`). */
  reports: perUserPerMinute('reports', 'REPORTS_PER_MINUTE_PER_USER'),
  /** A system admin's actions: suspensions, report resolutions, admin deletions. */
  adminActions: perUserPerMinute('admin-actions', 'ADMIN_ACTIONS_PER_MINUTE_PER_USER'),
  /** Requests for an archive of one's data: each one reads everything the user has. */
  exports: perUserPerMinute('exports', 'EXPORTS_PER_MINUTE_PER_USER'),
  /** `typing.start` and `typing.stop`. */
  typing: perUserPerMinute('typing', 'TYPING_EVENTS_PER_MINUTE_PER_USER'),
  /** Creating and deleting bots (admins). */
  botChanges: perUserPerMinute('bot-changes', 'BOT_CHANGES_PER_MINUTE_PER_USER'),
} satisfies Record<string, RateLimitRule>;
