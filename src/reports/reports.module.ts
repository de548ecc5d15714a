import { Module } from '@nestjs/common';
import { AdminModule } from '#src/admin/admin.module.js';
import { AdminUsersModule } from '#src/admin-users/admin-users.module.js';
import { MessagesModule } from '#src/messages/messages.module.js';
import { UsersModule } from '#src/users/users.module.js';
import { AdminReportsController } from './admin-reports.controller.js';
import { ReportReview } from './report-review.service.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';
import { WebhooksModule } from '#src/webhooks/webhooks.module.js';

/** Reports of messages and users, filed by users and resolved by system admins. */
@Module({
  imports: [AdminModule, AdminUsersModule, MessagesModule, UsersModule, WebhooksModule],
  controllers: [ReportsController, AdminReportsController],
  providers: [ReportsRepository, ReportsService, ReportReview],
})
export class ReportsModule {}
