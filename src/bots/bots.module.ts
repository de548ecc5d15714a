import { Module } from '@nestjs/common';
import { AdminModule } from '#src/admin/admin.module.js';
import { AuthModule } from '#src/auth/auth.module.js';
import { UsersModule } from '#src/users/users.module.js';
import { BotsController } from './bots.controller.js';
import { BotsRepository } from './bots.repository.js';
import { BotsService } from './bots.service.js';

/** Bots: accounts admins create with an API key (`/admin/bots`). Their keys are checked by auth. */
@Module({
  imports: [AdminModule, AuthModule, UsersModule],
  controllers: [BotsController],
  providers: [BotsRepository, BotsService],
})
export class BotsModule {}
