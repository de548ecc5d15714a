import { Module } from '@nestjs/common';
import { AdminModule } from '#src/admin/admin.module.js';
import { AuthModule } from '#src/auth/auth.module.js';
import { AdminUsersController } from './admin-users.controller.js';
import { AdminUsersRepository } from './admin-users.repository.js';
import { AdminUsersService } from './admin-users.service.js';
import { SuspensionsService } from './suspensions.service.js';
import { WebhooksModule } from '#src/webhooks/webhooks.module.js';

/** Accounts as system admins see them, and their suspension (which ends the account's sessions). */
@Module({
  imports: [AdminModule, AuthModule, WebhooksModule],
  controllers: [AdminUsersController],
  providers: [AdminUsersRepository, AdminUsersService, SuspensionsService],
  exports: [SuspensionsService],
})
export class AdminUsersModule {}
