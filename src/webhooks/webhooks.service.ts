import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import { AuditRepository } from '#src/admin/audit.repository.js';
import { invalidField } from '#src/common/errors/common.errors.js';
import { decodeCursor, isCursorId, isCursorTime, toPage, type Page } from '#src/common/pagination/pagination.js';
import { assertAllowedHost, guardedLookup } from '#src/infra/outbound/outbound-address.guard.js';
import { OutboundError } from '#src/infra/outbound/outbound.error.js';
import { OutboundSettings } from '#src/infra/outbound/outbound-http.service.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { WebhookCreateDto } from './dto/webhook-create.dto.js';
import { WebhookDeliveriesRepository, type DeliveryPosition } from './webhook-deliveries.repository.js';
import {
  toDeliveryView,
  toWebhookView,
  type CreatedWebhookView,
  type DeliveryView,
  type WebhookView,
} from './webhook.presenter.js';
import { newWebhookSecret } from './webhook-signature.js';
import { webhookLimit, webhookNotFound } from './webhooks.errors.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** Webhooks in all: every event is stored once per webhook of its type. */
export const WEBHOOKS_MAX = 50;
/** How long creating a webhook waits for its host to resolve before leaving the check to each attempt. */
const RESOLVE_TIMEOUT_MS = 3_000;

const isPosition = (value: unknown): value is DeliveryPosition =>
  typeof value === 'object' &&
  value !== null &&
  isCursorTime((value as DeliveryPosition).createdAt) &&
  isCursorId((value as DeliveryPosition).id);

/**
 * The `address_refused` error when `host` (a name) resolves to an address outbound calls must not
 * reach, else null. A name that does not resolve (yet), or not in time, passes: every attempt
 * resolves it again through the same guard, which is what keeps deliveries off such addresses.
 */
function refusedResolution(host: string): Promise<OutboundError | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), RESOLVE_TIMEOUT_MS);
    guardedLookup(false)(host, { all: true }, (error) => {
      clearTimeout(timer);
      resolve(error instanceof OutboundError && error.code === 'address_refused' ? error : null);
    });
  });
}

/** The admins' webhooks: created with a secret shown once, listed, deleted, and their deliveries. */
@Injectable()
export class WebhooksService {
  private readonly allowPrivate: boolean;

  constructor(
    private readonly prisma: PrismaService,
    private readonly webhooks: WebhooksRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly audit: AuditRepository,
    outbound: OutboundSettings,
  ) {
    this.allowPrivate = outbound.OUTBOUND_ALLOW_PRIVATE_ADDRESSES;
  }

  async create(actorId: string, dto: WebhookCreateDto, ip: string): Promise<CreatedWebhookView> {
    await this.assertAllowedUrl(dto.url);
    const secret = newWebhookSecret();
    const created = await this.prisma.$transaction(async (tx) => {
      const row = await this.webhooks.create(tx, { url: dto.url, events: dto.events, secret }, WEBHOOKS_MAX);
      if (row === 'full') return row;
      await this.audit.record(tx, {
        actorId,
        action: 'webhook.created',
        targetType: 'webhook',
        targetId: row.id,
        details: { url: row.url, events: row.events },
        ip,
      });
      return row;
    });
    if (created === 'full') throw webhookLimit(WEBHOOKS_MAX);
    return { ...toWebhookView(created), secret };
  }

  async list(): Promise<{ items: WebhookView[] }> {
    return { items: (await this.webhooks.list()).map(toWebhookView) };
  }

  /** Deletes it and its deliveries: none is attempted after this answer (one under way may still arrive). */
  async remove(actorId: string, id: string, ip: string): Promise<void> {
    const removed = await this.prisma.$transaction(async (tx) => {
      const row = await this.webhooks.remove(tx, id);
      if (!row) return null;
      await this.audit.record(tx, {
        actorId,
        action: 'webhook.deleted',
        targetType: 'webhook',
        targetId: id,
        details: { url: row.url, events: row.events },
        ip,
      });
      return row;
    });
    if (!removed) throw webhookNotFound();
  }

  async deliveriesOf(id: string, limit: number, cursor?: string): Promise<Page<DeliveryView>> {
    const after = decodeCursor(cursor, isPosition);
    if (!(await this.webhooks.exists(id))) throw webhookNotFound();
    const rows = await this.deliveries.page(id, limit, after);
    return toPage(rows, limit, toDeliveryView, (row) => ({ createdAt: row.createdAt.toISOString(), id: row.id }));
  }

  /**
   * The URL is called by this server: a host that is, or resolves to, a private, loopback or
   * metadata address is refused now (unless OUTBOUND_ALLOW_PRIVATE_ADDRESSES), as every attempt
   * refuses it again.
   */
  private async assertAllowedUrl(text: string): Promise<void> {
    const host = new URL(text).hostname;
    const bare = host.startsWith('[') ? host.slice(1, -1) : host;
    let refused: OutboundError | null = null;
    try {
      assertAllowedHost(host, this.allowPrivate);
    } catch (error) {
      if (!(error instanceof OutboundError)) throw error;
      refused = error;
    }
    if (!refused && !this.allowPrivate && isIP(bare) === 0) refused = await refusedResolution(host);
    if (refused) throw invalidField('url', refused.message);
  }
}
