import { Module } from '@nestjs/common';
import { PresenceController } from './presence.controller.js';
import { PresenceRepository } from './presence.repository.js';
import { PresenceService, PresenceSettings } from './presence.service.js';
import { PresenceStore } from './presence.store.js';

@Module({
  controllers: [PresenceController],
  providers: [PresenceStore, PresenceRepository, PresenceService, PresenceSettings],
  exports: [PresenceService],
})
export class PresenceModule {}
