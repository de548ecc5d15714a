import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '#src/auth/auth.module.js';
import { PresenceModule } from '#src/presence/presence.module.js';
import { AppLifecycle } from './app-lifecycle.service.js';
import { DependencyChecks, HealthCheckSettings } from './dependency-checks.service.js';
import { DependencyMetrics } from './dependency-metrics.js';
import { HealthComponentsController } from './health-components.controller.js';
import { HealthComponents } from './health-components.service.js';
import { HealthController } from './health.controller.js';
import { PubSubProbe } from './pubsub-probe.js';
import { HealthService } from './health.service.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), AuthModule, PresenceModule],
  controllers: [HealthController, HealthComponentsController],
  providers: [
    AppLifecycle,
    DependencyChecks,
    HealthCheckSettings,
    DependencyMetrics,
    HealthService,
    HealthComponents,
    PubSubProbe,
  ],
  exports: [AppLifecycle],
})
export class HealthModule {}
