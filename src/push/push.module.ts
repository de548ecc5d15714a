import { Module } from '@nestjs/common';
import { DevicesController } from './devices.controller.js';
import { DevicesRepository } from './devices.repository.js';
import { DevicesService } from './devices.service.js';
import { PushAudienceRepository } from './push-audience.repository.js';
import { PushDeliveriesRepository } from './push-deliveries.repository.js';
import { PushDispatcher } from './push-dispatcher.service.js';
import { PushOutbox, PushSettings } from './push-outbox.service.js';
import { OutboundModule } from '#src/infra/outbound/outbound.module.js';
import { PushProvidersModule } from './providers/push-providers.module.js';
import { PushController } from './push.controller.js';

/** Devices and the pushes sent to them. */
@Module({
  imports: [PushProvidersModule, OutboundModule],
  controllers: [DevicesController, PushController],
  providers: [
    DevicesRepository,
    DevicesService,
    PushAudienceRepository,
    PushDeliveriesRepository,
    PushDispatcher,
    PushOutbox,
    PushSettings,
  ],
  exports: [PushOutbox],
})
export class PushModule {}
