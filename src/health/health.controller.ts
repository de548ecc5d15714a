import { Controller, Get, Header, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '#src/common/decorators/public.decorator.js';
import { MetricsService } from '#src/infra/metrics/metrics.service.js';
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
  @ApiOperation({ summary: 'The process is up. Touches no dependency.' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  liveness() {
    return { status: 'ok' };
  }

  @Get('readiness')
  @ApiOperation({
    summary:
      'This instance can serve: started, not shutting down, Postgres reachable. A Redis outage does not fail it.',
    description: PROBES,
  })
  @ApiOkResponse({ description: 'Ready' })
  @ApiServiceUnavailableResponse({ description: 'Not ready (error body with code SERVICE_UNAVAILABLE)' })
  readiness() {
    return this.health.readiness();
  }

  @Get()
  @ApiOperation({
    summary: 'Every component with status and latency; overall ok | degraded | down (503 when down).',
    description: PROBES,
  })
  async overview(@Res({ passthrough: true }) reply: FastifyReply) {
    const overview = await this.health.overview();
    if (overview.status === 'down') void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return overview;
  }

  @Get('metrics')
  @ApiOperation({
    summary: 'Prometheus metrics in the text exposition format.',
    description: 'dependency_up and dependency_latency_seconds come from the shared probes of the last second.',
  })
  @ApiProduces('text/plain')
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply) {
    void reply.type(this.metrics.contentType);
    return this.metrics.render();
  }
}
