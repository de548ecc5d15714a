import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AppLifecycle } from './app-lifecycle.service.js';
import { DependencyChecks, HealthCheckSettings } from './dependency-checks.service.js';
import { DependencyMetrics } from './dependency-metrics.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [AppLifecycle, DependencyChecks, HealthCheckSettings, DependencyMetrics, HealthService],
  exports: [AppLifecycle],
})
export class HealthModule {}
