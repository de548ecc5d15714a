import { Module } from '@nestjs/common';
import { PresenceStatusRepository } from './presence-status.repository.js';
import { PresenceStatusService, PresenceStatusSettings } from './presence-status.service.js';
import { PresenceController } from './presence.controller.js';
import { PresenceRepository } from './presence.repository.js';
import { PresenceService, PresenceSettings } from './presence.service.js';
import { PresenceStore } from './presence.store.js';

@Module({
  controllers: [PresenceController],
  providers: [
    PresenceStore,
    PresenceRepository,
    PresenceService,
    PresenceSettings,
    PresenceStatusRepository,
    PresenceStatusService,
    PresenceStatusSettings,
  ],
  exports: [PresenceService],
})
export class PresenceModule {}
