import { Module } from '@nestjs/common';
import { DevicesController } from './devices.controller.js';
import { DevicesRepository } from './devices.repository.js';
import { DevicesService } from './devices.service.js';
import { PushAudienceRepository } from './push-audience.repository.js';
import { PushDeliveriesRepository } from './push-deliveries.repository.js';
import { PushDispatcher } from './push-dispatcher.service.js';
import { PushOutbox, PushSettings } from './push-outbox.service.js';
import { PushProviders } from './providers/push-providers.js';

/** Devices and the pushes sent to them. */
@Module({
  controllers: [DevicesController],
  providers: [
    PushProviders,
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
