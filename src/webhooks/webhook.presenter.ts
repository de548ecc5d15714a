import type { WebhookEventType } from './webhook-event-types.js';
import type { DeliveryRow, DeliveryStatus } from './webhook-deliveries.repository.js';
import type { WebhookRow } from './webhooks.repository.js';

export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEventType[];
  createdAt: string;
}

/** The answer to its creation, the only one that shows the secret. */
export interface CreatedWebhookView extends WebhookView {
  secret: string;
}

export interface DeliveryView {
  /** The `webhook-id` header of every attempt. */
  id: string;
  type: WebhookEventType;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** When a pending delivery is (about to be) attempted; null once delivered or failed. */
  nextAttemptAt: string | null;
}

export const toWebhookView = (row: WebhookRow): WebhookView => ({
  id: row.id,
  url: row.url,
  events: row.events,
  createdAt: row.createdAt.toISOString(),
});

export const toDeliveryView = (row: DeliveryRow): DeliveryView => ({
  id: row.id,
  type: row.type,
  status: row.status,
  attempts: row.attempts,
  lastStatusCode: row.lastStatusCode,
  lastError: row.lastError,
  createdAt: row.createdAt.toISOString(),
  deliveredAt: row.deliveredAt?.toISOString() ?? null,
  nextAttemptAt: row.status === 'pending' ? row.availableAt.toISOString() : null,
});
