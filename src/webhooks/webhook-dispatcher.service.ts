import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { OutboundError } from '#src/infra/outbound/outbound.error.js';
import { OutboundHttp } from '#src/infra/outbound/outbound-http.service.js';
import { OutboxMetrics, type AttemptResult } from '#src/infra/outbox/outbox.metrics.js';
import { OutboxSettings } from '#src/infra/outbox/outbox.module.js';
import { OutboxWorker } from '#src/infra/outbox/outbox-worker.js';
import { WebhookDeliveriesRepository, type ClaimedDelivery } from './webhook-deliveries.repository.js';
import { deliveryOutcome, type AttemptReply, type DeliveryOutcome } from './webhook-retry.js';
import { webhookHeaders } from './webhook-signature.js';
import { WebhooksRepository } from './webhooks.repository.js';

export class WebhookSettings extends configSlice(
  'WEBHOOK_TIMEOUT_MS',
  'WEBHOOK_CONCURRENCY',
  'WEBHOOK_RETRY_BASE_MS',
) {}

/** One webhook holds at most this fraction (1/n) of an instance's slots. */
const PER_WEBHOOK_SHARE = 4;
/** The receiver's answer is not read beyond its status: a longer one is cut off and counts as a failure. */
const MAX_RESPONSE_BYTES = 256 * 1024;
/** Settled deliveries are kept this long for the deliveries list, then deleted. */
const RETENTION_MS = 30 * 24 * 60 * 60_000;
const SWEEP_EVERY_MS = 60 * 60_000;
/** Events published once their write committed, whose deliveries are then there to claim. */
const WAKING_EVENTS = [
  'message.updated',
  'message.deleted',
  'member.added',
  'member.removed',
  'conversation.created',
] as const;

const COUNTED_AS: Record<DeliveryOutcome['status'], AttemptResult> = {
  delivered: 'done',
  pending: 'retry',
  failed: 'given_up',
};

const errorText = (error: unknown) =>
  error instanceof OutboundError
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);

/**
 * Sends webhook deliveries on every instance, from their own queue: at most WEBHOOK_CONCURRENCY at
 * a time here (a quarter of them at most for one webhook), each bounded by WEBHOOK_TIMEOUT_MS, so a
 * slow or dead receiver costs slots of this queue and nothing else (sends, notifications and pushes
 * have their own workers), and leaves most of them to the other webhooks. A freed slot claims the
 * next due row at once. Each attempt is signed afresh (its own timestamp) over the body
 * stored with the event, under the delivery's id; a crash between the receiver's answer and the
 * row's update sends it again when the lease ends, with the same id.
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly worker: OutboxWorker;
  /** The attempts under way here, with the webhook each is for. */
  private readonly inFlight = new Map<Promise<void>, string>();
  private readonly concurrency: number;
  /** Slots one webhook may hold here: a receiver that hangs cannot take them all from the others. */
  private readonly perWebhook: number;
  private readonly timeoutMs: number;
  private readonly retryBaseMs: number;
  /** Longer than an attempt can take, so no other instance takes a row while its attempt is under way. */
  private readonly leaseSeconds: number;
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly http: OutboundHttp,
    private readonly events: ChatEvents,
    private readonly metrics: OutboxMetrics,
    outbox: OutboxSettings,
    settings: WebhookSettings,
  ) {
    this.concurrency = settings.WEBHOOK_CONCURRENCY;
    this.perWebhook = Math.ceil(this.concurrency / PER_WEBHOOK_SHARE);
    this.timeoutMs = settings.WEBHOOK_TIMEOUT_MS;
    this.retryBaseMs = settings.WEBHOOK_RETRY_BASE_MS;
    this.leaseSeconds = Math.max(outbox.OUTBOX_LEASE_SECONDS, Math.ceil(this.timeoutMs / 1000) + 5);
    this.worker = new OutboxWorker(
      {
        queue: 'webhooks',
        pollMs: outbox.OUTBOX_POLL_MS,
        turn: () => this.turn(),
        oldestAgeSeconds: () => this.deliveries.oldestAgeSeconds(),
        onError: (error) => this.logger.warn({ err: error }, 'webhook deliveries not claimed; trying again'),
      },
      metrics,
    );
  }

  onModuleInit(): void {
    for (const name of WAKING_EVENTS) this.events.on(name, () => this.worker.wake());
    this.worker.start();
    this.sweep = setInterval(() => void this.forgetOld(), SWEEP_EVERY_MS).unref();
  }

  /** Stops claiming, then lets the attempts under way end (each within WEBHOOK_TIMEOUT_MS). */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweep);
    await this.worker.stop();
    await Promise.allSettled([...this.inFlight.keys()]);
  }

  /** Deliveries were stored and committed here: send them now rather than at the next poll. */
  wake(): void {
    this.worker.wake();
  }

  /**
   * Claims at most one webhook's share of slots at a time, of webhooks not holding their share
   * already; after a full claim the loop turns again at once for the slots left.
   */
  private async turn(): Promise<boolean> {
    const free = Math.min(this.concurrency - this.inFlight.size, this.perWebhook);
    if (free <= 0) return false;
    const claimed = await this.deliveries.claim(free, this.leaseSeconds, this.saturated());
    for (const delivery of claimed) {
      const attempt: Promise<void> = this.deliver(delivery).finally(() => {
        this.inFlight.delete(attempt);
        this.worker.wake();
      });
      this.inFlight.set(attempt, delivery.webhookId);
    }
    return claimed.length === free;
  }

  /** The webhooks holding their whole share of this instance's slots. */
  private saturated(): string[] {
    const held = new Map<string, number>();
    for (const webhookId of this.inFlight.values()) held.set(webhookId, (held.get(webhookId) ?? 0) + 1);
    return [...held].filter(([, count]) => count >= this.perWebhook).map(([webhookId]) => webhookId);
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const reply = await this.attempt(delivery);
    const outcome = deliveryOutcome(reply, delivery.attempts, delivery.createdAt, new Date(), this.retryBaseMs);
    const note =
      'statusCode' in reply
        ? {
            statusCode: reply.statusCode,
            error: outcome.status === 'delivered' ? null : `answered ${reply.statusCode}`,
          }
        : { statusCode: null, error: reply.error };
    try {
      // False: the lease ran out meanwhile and another attempt holds the row; it settles it.
      if (!(await this.deliveries.settle(delivery, outcome, note))) return;
    } catch (error) {
      this.logger.warn(
        { err: error, deliveryId: delivery.id },
        'webhook delivery not settled; retried when its lease ends',
      );
      return;
    }
    this.metrics.attempted('webhooks', COUNTED_AS[outcome.status], delivery.createdAt);
    if (outcome.status === 'failed') {
      this.logger.warn(
        { deliveryId: delivery.id, webhookId: delivery.webhookId, error: note.error },
        'webhook delivery failed',
      );
    }
  }

  private async attempt(delivery: ClaimedDelivery): Promise<AttemptReply> {
    try {
      const response = await this.http.request({
        url: delivery.url,
        method: 'POST',
        headers: webhookHeaders(delivery.secret, delivery.id, Math.floor(Date.now() / 1000), delivery.body),
        body: delivery.body,
        timeoutMs: this.timeoutMs,
        maxResponseBytes: MAX_RESPONSE_BYTES,
      });
      return { statusCode: response.status };
    } catch (error) {
      return { error: errorText(error) };
    }
  }

  private async forgetOld(): Promise<void> {
    try {
      const before = new Date(Date.now() - RETENTION_MS);
      for (const { id } of await this.webhooks.ids()) await this.deliveries.forgetOlderThan(id, before);
    } catch (error) {
      this.logger.warn({ err: error }, 'old webhook deliveries not deleted; the next sweep will');
    }
  }
}
