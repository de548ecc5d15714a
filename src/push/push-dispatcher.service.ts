import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { OutboxMetrics } from '#src/infra/outbox/outbox.metrics.js';
import { OutboxSettings } from '#src/infra/outbox/outbox.module.js';
import { OutboxWorker } from '#src/infra/outbox/outbox-worker.js';
import { retryDelayMs, type RetryPolicy } from '#src/infra/outbox/retry-delay.js';
import { DevicesRepository } from './devices.repository.js';
import { PushDeliveriesRepository, type ClaimedDelivery } from './push-deliveries.repository.js';
import type { PushOutcome, PushTarget } from './providers/push-provider.js';
import { PushProviders } from './providers/push-providers.service.js';

/** Deliveries claimed per turn, sent concurrently. */
const BATCH = 50;
/** A push is worth showing for a day; after that it is given up (and the device told it expired). */
export const PUSH_TTL_SECONDS = 86_400;
/** Attempts before a push that keeps failing is given up: about 6 hours of backoff. */
const MAX_ATTEMPTS = 12;
const RETRY: RetryPolicy = { baseMs: 5_000, capMs: 60 * 60_000 };

const targetOf = (delivery: ClaimedDelivery): PushTarget =>
  delivery.platform === 'webpush'
    ? { platform: 'webpush', endpoint: delivery.token, p256dh: delivery.p256dh ?? '', auth: delivery.auth ?? '' }
    : { platform: delivery.platform, token: delivery.token };

/**
 * Sends pushes from the `push_deliveries` outbox, on every instance: at least once per delivery
 * (a crash after the provider accepted one but before it was deleted sends it again, with the same
 * collapse id, so the device shows it once), retried with backoff, given up after a day.
 */
@Injectable()
export class PushDispatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PushDispatcher.name);
  private readonly worker: OutboxWorker;
  private readonly leaseSeconds: number;

  constructor(
    private readonly deliveries: PushDeliveriesRepository,
    private readonly devices: DevicesRepository,
    private readonly providers: PushProviders,
    private readonly metrics: OutboxMetrics,
    settings: OutboxSettings,
  ) {
    this.leaseSeconds = settings.OUTBOX_LEASE_SECONDS;
    this.worker = new OutboxWorker(
      {
        queue: 'push',
        pollMs: settings.OUTBOX_POLL_MS,
        turn: () => this.turn(),
        oldestAgeSeconds: () => this.deliveries.oldestAgeSeconds(),
        onError: (error) => this.logger.warn({ err: error }, 'push deliveries not claimed; trying again'),
      },
      metrics,
    );
  }

  onModuleInit(): void {
    this.worker.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.worker.stop();
  }

  /** New deliveries were stored here: send them now rather than at the next poll. */
  wake(): void {
    this.worker.wake();
  }

  private async turn(): Promise<boolean> {
    const claimed = await this.deliveries.claim(BATCH, this.leaseSeconds);
    await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
    return claimed.length === BATCH;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    try {
      const ageSeconds = (Date.now() - delivery.createdAt.getTime()) / 1000;
      const provider = this.providers.for(delivery.platform);
      if (!delivery.sessionActive) return await this.giveUp(delivery, 'the session ended');
      if (!provider) return await this.giveUp(delivery, `${delivery.platform} push is not configured`);
      if (ageSeconds >= PUSH_TTL_SECONDS) return await this.giveUp(delivery, 'expired');
      const outcome = await provider.send(targetOf(delivery), {
        payload: delivery.payload,
        collapseId: delivery.collapseId,
        ttlSeconds: Math.max(1, Math.floor(PUSH_TTL_SECONDS - ageSeconds)),
      });
      await this.settle(delivery, outcome);
    } catch (error) {
      // The database failed us (the provider's answers are outcomes): the lease brings it back.
      this.logger.warn({ err: error }, 'push delivery not settled; it is retried when its lease ends');
    }
  }

  private async settle(delivery: ClaimedDelivery, outcome: PushOutcome): Promise<void> {
    switch (outcome.status) {
      case 'delivered':
        await this.deliveries.finish(delivery);
        this.metrics.attempted('push', 'done', delivery.createdAt);
        return;
      case 'gone':
        // The device's deliveries go with it.
        await this.devices.remove(delivery.userId, delivery.deviceId);
        this.metrics.attempted('push', 'given_up');
        return;
      case 'rejected':
        return this.giveUp(delivery, outcome.reason);
      case 'retry':
        if (delivery.attempts >= MAX_ATTEMPTS) return this.giveUp(delivery, outcome.reason);
        await this.deliveries.retryLater(
          delivery,
          Math.max(outcome.retryAfterMs ?? 0, retryDelayMs(delivery.attempts, RETRY)),
          outcome.reason,
        );
        this.metrics.attempted('push', 'retry');
    }
  }

  private async giveUp(delivery: ClaimedDelivery, reason: string): Promise<void> {
    await this.deliveries.finish(delivery);
    this.metrics.attempted('push', 'given_up');
    this.logger.warn({ deliveryId: delivery.id, platform: delivery.platform, reason }, 'push given up');
  }
}
