import { Global, Module } from '@nestjs/common';
import { configSlice } from '#src/infra/config/config-slice.js';
import { OutboxMetrics } from './outbox.metrics.js';

/** A local write's work waits this long, to be claimed with the next few writes' in one batch. */
export const OUTBOX_WAKE_DELAY_MS = 10;
/** How often each worker reads the age of its queue's oldest row, for `outbox_oldest_age_seconds`. */
export const OUTBOX_OLDEST_EVERY_MS = 5_000;

export class OutboxSettings extends configSlice('OUTBOX_POLL_MS', 'OUTBOX_LEASE_SECONDS') {}

/** What every outbox worker shares: its settings and metrics. */
@Global()
@Module({
  providers: [OutboxMetrics, OutboxSettings],
  exports: [OutboxMetrics, OutboxSettings],
})
export class OutboxModule {}
