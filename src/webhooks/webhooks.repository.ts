import { Injectable } from '@nestjs/common';
import type { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { WebhookEventType } from './webhook-event-types.js';

/** A webhook as it is listed: never its secret. */
export interface WebhookRow {
  id: string;
  url: string;
  events: WebhookEventType[];
  createdAt: Date;
}

export interface NewWebhook {
  url: string;
  events: WebhookEventType[];
  secret: string;
}

const LISTED = { id: true, url: true, events: true, createdAt: true } as const;

/** The webhooks table. Writes take the client of the transaction that audits them. */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stores the webhook unless `max` exist already (`'full'`). Creations wait for each other on a
   * transaction lock, so two admins at once cannot both pass the count.
   */
  async create(db: Prisma.TransactionClient, webhook: NewWebhook, max: number): Promise<WebhookRow | 'full'> {
    await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('webhooks.create'))`;
    if ((await db.webhook.count()) >= max) return 'full';
    return (await db.webhook.create({ data: webhook, select: LISTED })) as WebhookRow;
  }

  /** Every webhook, in the order they were created (at most the cap: no page needed). */
  async list(): Promise<WebhookRow[]> {
    return (await this.prisma.webhook.findMany({
      select: LISTED,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    })) as WebhookRow[];
  }

  async exists(id: string): Promise<boolean> {
    return (await this.prisma.webhook.count({ where: { id } })) > 0;
  }

  /** Deletes it, its deliveries with it (the foreign key cascades); null when there was none. */
  async remove(db: Prisma.TransactionClient, id: string): Promise<WebhookRow | null> {
    const [row] = await db.$queryRaw<WebhookRow[]>`
      DELETE FROM webhooks WHERE id = ${id}::uuid RETURNING id, url, events, created_at AS "createdAt"`;
    return row ?? null;
  }

  ids(): Promise<{ id: string }[]> {
    return this.prisma.webhook.findMany({ select: { id: true } });
  }
}
