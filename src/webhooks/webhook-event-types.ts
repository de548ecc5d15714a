/**
 * Every event a webhook may subscribe to (API.md, "Administration"). The migration's CHECK on
 * `webhooks.events` holds the same list.
 */
export const WEBHOOK_EVENT_TYPES = [
  'message.created',
  'message.updated',
  'message.deleted',
  'member.added',
  'member.removed',
  'conversation.created',
  'report.created',
  'user.suspended',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
