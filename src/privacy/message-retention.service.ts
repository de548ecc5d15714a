import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AuditRepository } from '#src/admin/audit.repository.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { PollingLoop } from '#src/infra/outbox/polling-loop.js';
import { MessageErasure } from '#src/messages/message-erasure.service.js';
import { PrivacyMetrics, type RetentionOutcome } from './privacy.metrics.js';
import { RetentionRunsRepository, type ClaimedRun } from './retention-runs.repository.js';

export class RetentionSettings extends configSlice('MESSAGE_RETENTION_DAYS', 'MESSAGE_RETENTION_INTERVAL_SECONDS') {}

/** Messages per batch: one short transaction per conversation in it. */
const BATCH = 500;
/** How long a claimed run stays with its instance without news; each batch renews it. */
const LEASE_SECONDS = 120;
/** Instances look at least this often whether the period's run is due (or was left by a dead instance). */
const CHECK_AT_MOST_EVERY_MS = 60_000;
const MAX_ERROR_DELAY_MS = 60_000;

/** The claim lapsed and another instance took the run over: this one stops. */
class RunLost extends Error {}

/**
 * MESSAGE_RETENTION_DAYS: once per period (MESSAGE_RETENTION_INTERVAL_SECONDS, a day by default),
 * one instance tombstones every message created more than that many days before the run began,
 * in batches, and deletes the uploads they carried; caches are told as for any erasure. Every
 * instance checks regularly; the period's row in `retention_runs` makes the run one across all of
 * them, and lets another instance finish it when the one running it dies.
 */
@Injectable()
export class MessageRetention implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MessageRetention.name);
  private readonly days?: number;
  private readonly intervalSeconds: number;
  private readonly loop: PollingLoop;

  constructor(
    private readonly runs: RetentionRunsRepository,
    private readonly erasure: MessageErasure,
    private readonly audit: AuditRepository,
    private readonly metrics: PrivacyMetrics,
    settings: RetentionSettings,
  ) {
    this.days = settings.MESSAGE_RETENTION_DAYS;
    this.intervalSeconds = settings.MESSAGE_RETENTION_INTERVAL_SECONDS;
    this.loop = new PollingLoop(
      async () => {
        await this.runDue();
        return false;
      },
      {
        intervalMs: Math.min(this.intervalSeconds * 1000, CHECK_AT_MOST_EVERY_MS),
        maxErrorDelayMs: MAX_ERROR_DELAY_MS,
        onError: (error) => this.logger.warn({ err: error }, 'message retention failed; the next check retries'),
      },
    );
  }

  onModuleInit(): void {
    if (this.days !== undefined) this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * Runs the current period's retention if no instance has (or one that did died): `ran` when this
   * call ran it to the end, `skipped` when it was another's; `off` without MESSAGE_RETENTION_DAYS.
   */
  async runDue(): Promise<RetentionOutcome | 'off'> {
    if (this.days === undefined) return 'off';
    const run = await this.runs.claim(this.intervalSeconds, this.days, LEASE_SECONDS);
    const outcome = run ? await this.carryOut(run) : 'skipped';
    this.metrics.retentionChecked(outcome);
    return outcome;
  }

  private async carryOut(run: ClaimedRun): Promise<RetentionOutcome> {
    try {
      for (;;) {
        const batch = await this.erasure.eraseCreatedBefore(run.cutoff, BATCH);
        this.metrics.messagesErased('retention', batch.erased);
        if (!(await this.runs.progress(run, batch.erased, LEASE_SECONDS))) throw new RunLost();
        if (!batch.more) break;
      }
      const erased = await this.runs.finish(run, (tx, total) => this.audited(tx, run, total));
      if (erased === null) throw new RunLost();
      if (erased > 0) this.logger.log({ erased, cutoff: run.cutoff }, 'message retention tombstoned old messages');
      return 'ran';
    } catch (error) {
      if (error instanceof RunLost) return 'skipped';
      throw error;
    }
  }

  /** A run that tombstoned messages is a system action in the audit log; one that found none is not. */
  private async audited(tx: Parameters<AuditRepository['record']>[0], run: ClaimedRun, erased: number) {
    if (erased === 0) return;
    await this.audit.record(tx, {
      actorId: null,
      action: 'messages.retention',
      targetType: 'message',
      details: { erased, cutoff: run.cutoff.toISOString(), retentionDays: this.days ?? null, period: String(run.slot) },
    });
  }
}
