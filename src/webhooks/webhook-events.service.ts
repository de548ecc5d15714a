import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDispatcher } from './webhook-dispatcher.service.js';
import type { WebhookEventType } from './webhook-event-types.js';

/** An event as the write that caused it describes it. */
export interface WebhookEvent {
  /** Makes storing the event twice store it once; a new id when the event happens once anyway. */
  eventId?: string;
  /** The payload's `timestamp`; now when not given. */
  occurredAt?: Date;
  /** The resource as the public API presents it (a message view, a member change, …). */
  data: unknown;
}

/** The body every attempt of a delivery sends. */
export const webhookBody = (type: WebhookEventType, occurredAt: Date, data: unknown): string =>
  JSON.stringify({ type, timestamp: occurredAt.toISOString(), data });

/**
 * How a write tells webhooks of what it did: `record` stores the deliveries in the write's own
 * transaction (the outbox), so they commit with it or not at all; once it committed, `deliverSoon`
 * has this instance's workers take them now rather than at their next poll (any instance delivers
 * them either way).
 */
@Injectable()
export class WebhookEvents {
  constructor(
    private readonly prisma: PrismaService,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  /** Stores `type` for every webhook subscribed to it, in `db`; answers how many deliveries that made. */
  record(db: Prisma.TransactionClient, type: WebhookEventType, event: WebhookEvent): Promise<number> {
    return this.recordAll(db, type, [event]);
  }

  /** Several events of one type, in one statement. */
  recordAll(db: Prisma.TransactionClient, type: WebhookEventType, events: WebhookEvent[]): Promise<number> {
    return this.deliveries.enqueue(
      db,
      type,
      events.map(({ eventId, occurredAt, data }) => ({
        eventId: eventId ?? randomUUID(),
        body: webhookBody(type, occurredAt ?? new Date(), data),
      })),
    );
  }

  /**
   * Events of a write that committed already, in a statement of their own: for work that stores
   * them before it finishes its own outbox row, with an `eventId` each, so doing it again stores
   * nothing twice.
   */
  recordAfterwards(type: WebhookEventType, events: (WebhookEvent & { eventId: string })[]): Promise<number> {
    return this.recordAll(this.prisma, type, events);
  }

  /** Whether any webhook takes `type`: a write can skip preparing what none would receive. */
  subscribed(type: WebhookEventType): Promise<boolean> {
    return this.deliveries.anySubscribed(type);
  }

  deliverSoon(): void {
    this.dispatcher.wake();
  }
}
