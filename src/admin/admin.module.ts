import { Module } from '@nestjs/common';
import { AdminAccess, AdminGuard, AdminSettings } from './admin-access.js';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditLog } from './audit.service.js';

/**
 * System admins and the audit log, below every feature: features that audit their actions, or
 * offer `/admin` routes, import it. The role changes are the admin CLI's (src/cli/admin.ts).
 */
@Module({
  controllers: [AuditController],
  providers: [AdminSettings, AdminAccess, AdminGuard, AuditRepository, AuditLog],
  exports: [AdminAccess, AdminGuard, AuditRepository],
})
export class AdminModule {}
