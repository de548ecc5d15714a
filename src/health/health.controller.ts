import { Controller, Get, Header, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '#src/common/decorators/api-errors.decorator.js';
import type { FastifyReply } from 'fastify';
import { Public } from '#src/common/decorators/public.decorator.js';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
import { HealthOverviewResponse, LivenessResponse, ReadinessResponse } from './dto/health.response.js';
import { HealthService } from './health.service.js';

/** What every route that reports a dependency shares. */
const PROBES =
  'Dependency probes are shared by the calls of about a second on each instance. A failed component says only ' +
  '`error: "timeout"` or `error: "unavailable"`; the driver\'s own message goes to the logs.';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
  ) {}

  @Get('liveness')
  @ApiOperation({ summary: 'The process is up', description: 'Touches no dependency.' })
  @ApiOkResponse({ type: LivenessResponse })
  liveness() {
    return { status: 'ok' };
  }

  @Get('readiness')
  @ApiOperation({
    summary: 'This instance can serve',
    description: `Started, not shutting down, Postgres reachable. A Redis outage does not fail it. ${PROBES}`,
  })
  @ApiOkResponse({ type: ReadinessResponse, description: 'Ready' })
  @ApiErrors({
    503:
      'SERVICE_UNAVAILABLE: not ready; details name each failing check (field instance or postgres, message its ' +
      'phase or error)',
  })
  readiness() {
    return this.health.readiness();
  }

  @Get()
  @ApiOperation({
    summary: 'Every component with its status and latency',
    description: `Overall ok | degraded | down (503 when down). ${PROBES}`,
  })
  @ApiOkResponse({ type: HealthOverviewResponse, description: 'ok or degraded (Redis down)' })
  // Not the error body: the report itself, so a probe sees which component is down.
  @ApiServiceUnavailableResponse({
    type: HealthOverviewResponse,
    description: 'down: the instance is not serving or PostgreSQL is unreachable. The report, not the error body',
  })
  async overview(@Res({ passthrough: true }) reply: FastifyReply) {
    const overview = await this.health.overview();
    if (overview.status === 'down') void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return overview;
  }

  @Get('metrics')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'The text exposition format. dependency_up and dependency_latency_seconds come from the shared probes of the last second.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'text/plain; version=0.0.4' })
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply) {
    void reply.type(this.metrics.contentType);
    return this.metrics.render();
  }
}
