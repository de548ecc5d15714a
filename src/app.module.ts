import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AdminModule } from '#src/admin/admin.module.js';
import { AdminUsersModule } from '#src/admin-users/admin-users.module.js';
import { AuthModule } from '#src/auth/auth.module.js';
import { BotsModule } from '#src/bots/bots.module.js';
import { EventsModule } from '#src/common/events/events.module.js';
import { ConversationsModule } from '#src/conversations/conversations.module.js';
import { MessagesModule } from '#src/messages/messages.module.js';
import { NotificationsModule } from '#src/notifications/notifications.module.js';
import { PresenceModule } from '#src/presence/presence.module.js';
import { PrivacyModule } from '#src/privacy/privacy.module.js';
import { RealtimeModule } from '#src/realtime/realtime.module.js';
import { createValidationPipe } from '#src/common/validation/validation.pipe.js';
import { HttpExceptionFilter } from '#src/filters/http-exception.filter.js';
import { HealthModule } from '#src/health/health.module.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { AppConfigModule } from '#src/infra/config/config-slice.js';
import { CacheModule } from '#src/infra/cache/cache.module.js';
import { loggerOptions } from '#src/infra/logging/logger.options.js';
import { MetricsModule } from '#src/infra/metrics/metrics.module.js';
import { OutboxModule } from '#src/infra/outbox/outbox.module.js';
import { PrismaModule } from '#src/infra/prisma/prisma.module.js';
import { RateLimitModule } from '#src/infra/rate-limit/rate-limit.module.js';
import { RedisModule } from '#src/infra/redis/redis.module.js';
import { ReportsModule } from '#src/reports/reports.module.js';
import { SearchModule } from '#src/search/search.module.js';
import { UsersModule } from '#src/users/users.module.js';

/** The application, built from an already validated and resolved configuration (see `main.ts`). */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, extraModules: (Type | DynamicModule)[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The configuration was read from the environment once, in main.ts; nothing reads it again.
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config)),
        MetricsModule,
        EventsModule,
        PrismaModule,
        RedisModule,
        CacheModule,
        RateLimitModule,
        OutboxModule,
        HealthModule,
        UsersModule,
        AuthModule,
        ConversationsModule,
        MessagesModule,
        PresenceModule,
        RealtimeModule,
        NotificationsModule,
        SearchModule,
        AdminModule,
        AdminUsersModule,
        ReportsModule,
        BotsModule,
        PrivacyModule,
        ...extraModules,
      ],
      providers: [
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
