import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ChatEvents } from '#src/common/events/chat-events.js';
import type { OutboxEventRow } from '#src/infra/outbox/outbox-event.js';
import { OutboxMetrics } from '#src/infra/outbox/outbox.metrics.js';
import { OutboxSettings } from '#src/infra/outbox/outbox.module.js';
import { OutboxWorker } from '#src/infra/outbox/outbox-worker.js';
import { retryDelayMs, type RetryPolicy } from '#src/infra/outbox/retry-delay.js';
import { PushOutbox } from '#src/push/push-outbox.service.js';
import { MessageWebhooks } from './message-webhooks.service.js';
import { toNotificationView } from './notification.presenter.js';
import { NotificationCache } from './notification-cache.js';
import { NotificationPlanner, type FanoutPlan } from './notification-planner.service.js';
import { NotificationsRepository, type NotificationRow } from './notifications.repository.js';
import { OutboxEventsRepository } from './outbox-events.repository.js';

/** Events claimed per turn. */
const BATCH = 20;
/** Attempts before an event that keeps failing is given up (logged and counted): about a day of backoff. */
const MAX_ATTEMPTS = 20;
const RETRY: RetryPolicy = { baseMs: 1_000, capMs: 2 * 60 * 60_000 };

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Turns outbox events into notifications and pushes, on every instance. The write that caused an
 * event stored it in its own transaction; this stores the event's notifications and push
 * deliveries and deletes the event in one more, so each happens once however often an instance
 * dies on the way. Then it tells connected users and wakes the push sender. A local write wakes
 * it at once; other instances' and crashed instances' events are found by polling. A send's
 * `message.created` webhook events are stored before its event is finished.
 */
@Injectable()
export class NotificationFanout implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(NotificationFanout.name);
  private readonly worker: OutboxWorker;
  private readonly leaseSeconds: number;

  constructor(
    private readonly events: ChatEvents,
    private readonly outbox: OutboxEventsRepository,
    private readonly planner: NotificationPlanner,
    private readonly notifications: NotificationsRepository,
    private readonly cache: NotificationCache,
    private readonly push: PushOutbox,
    private readonly webhooks: MessageWebhooks,
    private readonly metrics: OutboxMetrics,
    settings: OutboxSettings,
  ) {
    this.leaseSeconds = settings.OUTBOX_LEASE_SECONDS;
    this.worker = new OutboxWorker(
      {
        queue: 'notifications',
        pollMs: settings.OUTBOX_POLL_MS,
        turn: () => this.turn(),
        oldestAgeSeconds: () => this.outbox.oldestAgeSeconds(),
        onError: (error) => this.logger.warn({ err: error }, 'outbox events not claimed; trying again'),
      },
      metrics,
    );
  }

  onModuleInit(): void {
    // Published once the write committed, so its event is there to claim.
    for (const name of ['message.created', 'request.created', 'member.added'] as const) {
      this.events.on(name, () => this.worker.wake());
    }
    this.worker.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.worker.stop();
  }

  private async turn(): Promise<boolean> {
    const claimed = await this.outbox.claim(BATCH, this.leaseSeconds);
    const idle: OutboxEventRow[] = [];
    const events = await this.withWebhookEvents(claimed);
    // Planning only reads: the events' reads go out together, a round trip for the batch rather than for each.
    const plans = await Promise.all(events.map((event) => this.planned(event)));
    for (const [index, event] of events.entries()) {
      const plan = plans[index];
      if (!plan) continue;
      if (plan.notifications.length === 0 && plan.pushes.length === 0) idle.push(event);
      else await this.store(event, plan);
    }
    await this.finishIdle(idle);
    return claimed.length === BATCH;
  }

  /**
   * The claimed events once their webhook events are stored. When that fails, the sends among them
   * are retried later, their notifications with them: none is finished without its webhook events.
   */
  private async withWebhookEvents(claimed: OutboxEventRow[]): Promise<OutboxEventRow[]> {
    try {
      await this.webhooks.record(claimed);
      return claimed;
    } catch (error) {
      for (const event of claimed) if (event.kind === 'message') await this.failed(event, error);
      return claimed.filter((event) => event.kind !== 'message');
    }
  }

  private async planned(event: OutboxEventRow): Promise<FanoutPlan | null> {
    try {
      return await this.planner.plan(event);
    } catch (error) {
      await this.failed(event, error);
      return null;
    }
  }

  /** Stores the plan and deletes the event in one transaction, then tells whom it concerns. */
  private async store(event: OutboxEventRow, plan: FanoutPlan): Promise<void> {
    let created: NotificationRow[] = [];
    let pushed: boolean;
    try {
      const pushes = await this.push.plan(plan.pushes);
      pushed = pushes.length > 0;
      const done = await this.outbox.complete(event, async (tx) => {
        created = await this.notifications.create(plan.notifications, tx);
        await this.push.store(tx, event.id, pushes);
      });
      // Another worker took the event after this claim's lease ran out, and did it.
      if (!done) return;
    } catch (error) {
      await this.failed(event, error);
      return;
    }
    this.metrics.attempted('notifications', 'done', event.createdAt);
    if (pushed) this.push.sendStored();
    await this.announce(created);
  }

  /**
   * Events that concern nobody (everyone was connected: the common case) are deleted together, in
   * one statement; if that fails they come back when their lease ends and are planned again.
   */
  private async finishIdle(events: OutboxEventRow[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.outbox.finishAll(events);
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox events not deleted; they are planned again when their lease ends');
      return;
    }
    for (const event of events) this.metrics.attempted('notifications', 'done', event.createdAt);
  }

  /** Drops the users' cached counts and tells those connected: stored already, so a failure here loses nothing. */
  private async announce(created: NotificationRow[]): Promise<void> {
    if (created.length === 0) return;
    await this.cache.notificationsStored(created.map((row) => row.userId)).catch(() => undefined);
    for (const row of created) {
      this.events.publish('notification.created', { userId: row.userId, notification: toNotificationView(row) });
    }
  }

  private async failed(event: OutboxEventRow, error: unknown): Promise<void> {
    const giveUp = event.attempts >= MAX_ATTEMPTS;
    try {
      if (giveUp) await this.outbox.giveUp(event);
      else await this.outbox.retryLater(event, retryDelayMs(event.attempts, RETRY), errorMessage(error));
    } catch {
      // The database is failing too: the lease brings the event back.
    }
    this.metrics.attempted('notifications', giveUp ? 'given_up' : 'retry');
    if (giveUp) this.logger.error({ err: error, eventId: event.id, kind: event.kind }, 'outbox event given up');
    else this.logger.warn({ err: error, eventId: event.id, kind: event.kind }, 'outbox event failed; retrying later');
  }
}
