import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { OutboxSettings } from '#src/infra/outbox/outbox.module.js';
import { PollingLoop } from '#src/infra/outbox/polling-loop.js';
import { retryDelayMs, type RetryPolicy } from '#src/infra/outbox/retry-delay.js';
import { MessageErasure } from '#src/messages/message-erasure.service.js';
import type { SenderPosition } from '#src/messages/message-erasure.repository.js';
import { UploadRemoval } from '#src/uploads/upload-removal.service.js';
import { AccountErasuresRepository, type ClaimedErasure } from './account-erasures.repository.js';
import { PrivacyMetrics } from './privacy.metrics.js';

/** Messages per batch: one short transaction per conversation in it, the lease renewed after each. */
const BATCH = 500;
/** Never given up: an erasure is retried until it is done, less often the longer it fails. */
const RETRY: RetryPolicy = { baseMs: 5_000, capMs: 60 * 60_000 };
const MAX_ERROR_DELAY_MS = 10_000;

class ClaimLost extends Error {}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Carries out the erasures recorded with account deletions, on every instance: every message the
 * account sent is tombstoned, batch after batch, then every upload of it is deleted, then the row.
 * An instance that dies mid-way leaves it to any other once its lease has lapsed; what it already
 * tombstoned stays so, and the next worker goes on from there.
 */
@Injectable()
export class ErasureWorker implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ErasureWorker.name);
  private readonly loop: PollingLoop;
  private readonly leaseSeconds: number;

  constructor(
    private readonly erasures: AccountErasuresRepository,
    private readonly messages: MessageErasure,
    private readonly uploads: UploadRemoval,
    private readonly events: ChatEvents,
    private readonly metrics: PrivacyMetrics,
    settings: OutboxSettings,
  ) {
    this.leaseSeconds = settings.OUTBOX_LEASE_SECONDS;
    this.loop = new PollingLoop(() => this.turn(), {
      intervalMs: settings.OUTBOX_POLL_MS,
      maxErrorDelayMs: MAX_ERROR_DELAY_MS,
      onError: (error) => this.logger.warn({ err: error }, 'erasures not claimed; trying again'),
    });
  }

  onModuleInit(): void {
    // Published once the deletion committed, so its erasure row is there to claim.
    this.events.on('account.deleted', ({ eraseMessages }) => {
      if (eraseMessages) this.loop.wake();
    });
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  private async turn(): Promise<boolean> {
    const claim = await this.erasures.claim(this.leaseSeconds);
    if (!claim) return false;
    try {
      await this.erase(claim);
    } catch (error) {
      if (error instanceof ClaimLost) return true;
      this.logger.warn({ err: error, userId: claim.userId }, 'account erasure failed; it is retried');
      await this.erasures.retryLater(claim, retryDelayMs(claim.attempts, RETRY), errorMessage(error));
    }
    return true;
  }

  private async erase(claim: ClaimedErasure): Promise<void> {
    let after: SenderPosition | undefined;
    do {
      const page = await this.messages.eraseSentBy(claim.userId, BATCH, after);
      this.metrics.messagesErased('account_erasure', page.erased);
      if (!(await this.erasures.renew(claim, this.leaseSeconds))) throw new ClaimLost();
      after = page.next;
    } while (after);
    await this.uploads.removeEveryUploadOf(claim.userId);
    await this.erasures.finish(claim);
  }
}
