import { Module } from '@nestjs/common';
import { AdminModule } from '#src/admin/admin.module.js';
import { OutboundModule } from '#src/infra/outbound/outbound.module.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDispatcher, WebhookSettings } from './webhook-dispatcher.service.js';
import { WebhookEvents } from './webhook-events.service.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Webhooks: the admin routes, and the deliveries of events. Below the features: conversations and
 * messages record their events through `WebhookEvents`, in their own transactions.
 */
@Module({
  imports: [AdminModule, OutboundModule],
  controllers: [WebhooksController],
  providers: [
    WebhooksRepository,
    WebhookDeliveriesRepository,
    WebhooksService,
    WebhookDispatcher,
    WebhookSettings,
    WebhookEvents,
  ],
  exports: [WebhookEvents],
})
export class WebhooksModule {}
