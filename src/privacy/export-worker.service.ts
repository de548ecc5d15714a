import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { configSlice } from '#src/infra/config/config-slice.js';
import { PollingLoop } from '#src/infra/outbox/polling-loop.js';
import { retryDelayMs, type RetryPolicy } from '#src/infra/outbox/retry-delay.js';
import { ExportBuilder } from './export-builder.service.js';
import { ExportsRepository, type ClaimedExport } from './exports.repository.js';

export class ExportJobSettings extends configSlice('OUTBOX_POLL_MS', 'OUTBOX_LEASE_SECONDS', 'EXPORT_KEEP_HOURS') {}

/** Attempts before an export that keeps failing is given up (`failed`). */
export const MAX_EXPORT_ATTEMPTS = 5;
const RETRY: RetryPolicy = { baseMs: 5_000, capMs: 10 * 60_000 };
/** The longest wait between turns while they fail (the database is down). */
const MAX_ERROR_DELAY_MS = 10_000;

/** The claim lapsed and another worker took the export: this one stops, leaving everything to it. */
class ClaimLost extends Error {}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Builds requested exports, one at a time per instance, on every instance. A request wakes the
 * local worker; the others find it by polling. The claim is a lease renewed between pages, so an
 * instance that dies mid-way leaves the export to any other once the lease has lapsed.
 */
@Injectable()
export class ExportWorker implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ExportWorker.name);
  private readonly loop: PollingLoop;
  private readonly leaseSeconds: number;
  private readonly keepHours: number;

  constructor(
    private readonly exports: ExportsRepository,
    private readonly builder: ExportBuilder,
    settings: ExportJobSettings,
  ) {
    this.leaseSeconds = settings.OUTBOX_LEASE_SECONDS;
    this.keepHours = settings.EXPORT_KEEP_HOURS;
    this.loop = new PollingLoop(() => this.turn(), {
      intervalMs: settings.OUTBOX_POLL_MS,
      maxErrorDelayMs: MAX_ERROR_DELAY_MS,
      onError: (error) => this.logger.warn({ err: error }, 'exports not claimed; trying again'),
    });
  }

  onModuleInit(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** An export was requested here: take it now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  private async turn(): Promise<boolean> {
    const claim = await this.exports.claim(this.leaseSeconds);
    if (!claim) return false;
    await this.run(claim);
    return true;
  }

  private async run(claim: ClaimedExport): Promise<void> {
    let renewedAt = Date.now();
    const keepClaim = async () => {
      if (Date.now() - renewedAt < (this.leaseSeconds * 1000) / 3) return;
      if (!(await this.exports.renew(claim, this.leaseSeconds))) throw new ClaimLost();
      renewedAt = Date.now();
    };
    try {
      const size = await this.builder.build(claim.userId, claim.id, keepClaim);
      if (size === null) await this.exports.fail(claim, 'the account was deleted');
      else await this.exports.complete(claim, size, this.keepHours);
    } catch (error) {
      if (error instanceof ClaimLost) return;
      this.logger.warn({ err: error, exportId: claim.id }, 'export failed; it is retried');
      if (claim.attempts >= MAX_EXPORT_ATTEMPTS) await this.exports.fail(claim, errorMessage(error));
      else await this.exports.retryLater(claim, retryDelayMs(claim.attempts, RETRY), errorMessage(error));
    }
  }
}
