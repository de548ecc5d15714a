import { Global, Module } from '@nestjs/common';
import { configSlice } from '#src/infra/config/config-slice.js';
import { OutboxMetrics } from './outbox.metrics.js';

export class OutboxSettings extends configSlice('OUTBOX_POLL_MS', 'OUTBOX_LEASE_SECONDS') {}

/** What every outbox worker shares: its settings and metrics. */
@Global()
@Module({
  providers: [OutboxMetrics, OutboxSettings],
  exports: [OutboxMetrics, OutboxSettings],
})
export class OutboxModule {}
