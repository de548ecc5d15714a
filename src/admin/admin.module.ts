import { Module } from '@nestjs/common';
import { AdminAccess, AdminGuard, AdminSettings } from './admin-access.js';
import { AuditRepository } from './audit.repository.js';

/** System admins and the audit log. Features that audit their actions import it. */
@Module({
  providers: [AdminSettings, AdminAccess, AdminGuard, AuditRepository],
  exports: [AdminAccess, AdminGuard, AuditRepository],
})
export class AdminModule {}
