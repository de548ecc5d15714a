import { Injectable } from '@nestjs/common';
import type { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { WebhookEventType } from './webhook-event-types.js';
import type { DeliveryOutcome } from './webhook-retry.js';

/** One event to store for every webhook of its type. */
export interface RecordedEvent {
  eventId: string;
  /** The exact body every attempt sends. */
  body: string;
}

/** A claimed delivery, with where it goes and what signs it. */
export interface ClaimedDelivery {
  webhookId: string;
  id: string;
  body: string;
  createdAt: Date;
  /** The claim count this worker holds the row with. */
  attempts: number;
  url: string;
  secret: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryRow {
  id: string;
  type: WebhookEventType;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  availableAt: Date;
  deliveredAt: Date | null;
}

/** Where a page of a webhook's deliveries starts: after this row, newest first. */
export interface DeliveryPosition {
  createdAt: string;
  id: string;
}

/** What an attempt leaves on its row besides the outcome. */
export interface AttemptNote {
  statusCode: number | null;
  error: string | null;
}

const MAX_ERROR_LENGTH = 500;

/**
 * Webhook deliveries: one row per event and webhook, claimed like outbox events (a lease, `FOR
 * UPDATE SKIP LOCKED`, settled only under the attempt it was claimed with), and kept once settled
 * as the record of how it went.
 */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One delivery per event for each webhook of `type`, in `db` (the transaction of the write that
   * caused the events). An event stored already for a webhook is skipped, so storing it again
   * (an outbox row processed twice) changes nothing. Answers how many were stored.
   */
  enqueue(db: Prisma.TransactionClient, type: WebhookEventType, events: RecordedEvent[]): Promise<number> {
    if (events.length === 0) return Promise.resolve(0);
    const rows = JSON.stringify(events.map(({ eventId, body }) => ({ event_id: eventId, body })));
    return db.$executeRaw`
      INSERT INTO webhook_deliveries (webhook_id, id, event_id, type, body)
      SELECT w.id, gen_random_uuid(), e.event_id, ${type}, e.body
      FROM webhooks w CROSS JOIN jsonb_to_recordset(${rows}::jsonb) AS e(event_id uuid, body text)
      WHERE w.events @> ARRAY[${type}]::text[]
      ON CONFLICT (webhook_id, event_id) DO NOTHING`;
  }

  /** Asked by every turn of the notification worker: on the pool directly, as the sends it follows are. */
  async anySubscribed(type: WebhookEventType): Promise<boolean> {
    const [row] = await this.prisma.rows<{ any: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM webhooks WHERE events @> ARRAY[$1::text]) AS any',
      [type],
    );
    return row.any;
  }

  /** Due deliveries, oldest first, of webhooks other than `skipWebhookIds`. */
  claim(limit: number, leaseSeconds: number, skipWebhookIds: string[]): Promise<ClaimedDelivery[]> {
    return this.prisma.$queryRaw<ClaimedDelivery[]>`
      WITH claimed AS (
        UPDATE webhook_deliveries d
        SET available_at = now() + make_interval(secs => ${leaseSeconds}::int), attempts = d.attempts + 1
        FROM (
          SELECT webhook_id, id FROM webhook_deliveries
          WHERE status = 'pending' AND available_at <= now() AND webhook_id <> ALL(${skipWebhookIds}::uuid[])
          ORDER BY available_at LIMIT ${limit}::int
          FOR UPDATE SKIP LOCKED
        ) due
        WHERE d.webhook_id = due.webhook_id AND d.id = due.id
        RETURNING d.webhook_id, d.id, d.body, d.created_at, d.attempts
      )
      SELECT c.webhook_id AS "webhookId", c.id, c.body, c.created_at AS "createdAt", c.attempts, w.url, w.secret
      FROM claimed c JOIN webhooks w ON w.id = c.webhook_id`;
  }

  /** Records the attempt and its outcome, if this claim still holds the row; false when it does not. */
  async settle(delivery: ClaimedDelivery, outcome: DeliveryOutcome, note: AttemptNote): Promise<boolean> {
    const error = note.error?.slice(0, MAX_ERROR_LENGTH) ?? null;
    const nextAttemptAt = outcome.status === 'pending' ? outcome.nextAttemptAt : null;
    const changed = await this.prisma.$executeRaw`
      UPDATE webhook_deliveries
      SET status = ${outcome.status}, last_status_code = ${note.statusCode}::int, last_error = ${error},
          delivered_at = CASE WHEN ${outcome.status} = 'delivered' THEN now() END,
          available_at = COALESCE(${nextAttemptAt}::timestamptz, available_at)
      WHERE webhook_id = ${delivery.webhookId}::uuid AND id = ${delivery.id}::uuid
        AND attempts = ${delivery.attempts}::int AND status = 'pending'`;
    return changed > 0;
  }

  /** A webhook's deliveries, newest first, after `after`; `limit + 1` rows tell whether there are more. */
  page(webhookId: string, limit: number, after?: DeliveryPosition): Promise<DeliveryRow[]> {
    const afterAt = after ? new Date(after.createdAt) : null;
    return this.prisma.$queryRaw<DeliveryRow[]>`
      SELECT id, type, status, attempts, last_status_code AS "lastStatusCode", last_error AS "lastError",
             created_at AS "createdAt", available_at AS "availableAt", delivered_at AS "deliveredAt"
      FROM webhook_deliveries
      WHERE webhook_id = ${webhookId}::uuid
        AND (${afterAt}::timestamptz IS NULL OR (created_at, id) < (${afterAt}::timestamptz, ${after?.id ?? null}::uuid))
      ORDER BY created_at DESC, id DESC
      LIMIT ${limit + 1}`;
  }

  /** Deletes a webhook's deliveries older than `before` (all settled by then: none is retried past 24 h). */
  async forgetOlderThan(webhookId: string, before: Date): Promise<void> {
    await this.prisma.$executeRaw`
      DELETE FROM webhook_deliveries WHERE webhook_id = ${webhookId}::uuid AND created_at < ${before}::timestamptz`;
  }

  /** Seconds since the oldest delivery still pending was recorded; 0 when none is. */
  async oldestAgeSeconds(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ age: number }[]>`
      SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age
      FROM webhook_deliveries WHERE status = 'pending'`;
    return row?.age ?? 0;
  }
}
