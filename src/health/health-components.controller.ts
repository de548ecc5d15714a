import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '#src/common/decorators/public.decorator.js';
import { ApiExtraModels } from '@nestjs/swagger';
import {
  CacheReportResponse,
  ComponentReportResponse,
  HEALTH_EXTRA_MODELS,
  PostgresReportResponse,
  SessionsReportResponse,
} from './dto/component-report.response.js';
import { HealthComponents, type ComponentReport } from './health-components.service.js';

const NOT_READINESS = 'Not part of readiness. 200 with `status: "up"`, or 503 with the same body and `status: "down"`.';

/** Answers a report with 503 when it says down: probes and dashboards read the status code. */
function answer<T extends ComponentReport>(reply: FastifyReply, report: T): T {
  if (report.status === 'down') void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
  return report;
}

@ApiTags('health')
@ApiExtraModels(...HEALTH_EXTRA_MODELS)
@Public()
@Controller('health')
export class HealthComponentsController {
  constructor(private readonly components: HealthComponents) {}

  @Get('postgres')
  @ApiOperation({ summary: 'PostgreSQL: a SELECT 1 round trip, and the connection pool', description: NOT_READINESS })
  @ApiOkResponse({ type: PostgresReportResponse })
  @ApiServiceUnavailableResponse({ type: PostgresReportResponse })
  async postgres(@Res({ passthrough: true }) reply: FastifyReply) {
    return answer(reply, await this.components.postgres());
  }

  @Get('redis')
  @ApiOperation({ summary: 'Redis: a PING round trip on the command client', description: NOT_READINESS })
  @ApiOkResponse({ type: ComponentReportResponse })
  @ApiServiceUnavailableResponse({ type: ComponentReportResponse })
  async redis(@Res({ passthrough: true }) reply: FastifyReply) {
    return answer(reply, await this.components.dependency('redis'));
  }

  @Get('pubsub')
  @ApiOperation({
    summary: "A publish → subscribe round trip through the Socket.IO adapter's Redis clients",
    description: `${NOT_READINESS} Down while either client is cut off: events would not cross instances.`,
  })
  @ApiOkResponse({ type: ComponentReportResponse })
  @ApiServiceUnavailableResponse({ type: ComponentReportResponse })
  async pubsub(@Res({ passthrough: true }) reply: FastifyReply) {
    return answer(reply, await this.components.dependency('pubsub'));
  }

  @Get('cache')
  @ApiOperation({
    summary: 'Hit ratio per cache (since start, last minute), keys per cache, Redis memory',
    description: `${NOT_READINESS} Down when Redis does not answer; the hit counts of this instance are there either way.`,
  })
  @ApiOkResponse({ type: CacheReportResponse })
  @ApiServiceUnavailableResponse({ type: CacheReportResponse })
  async cache(@Res({ passthrough: true }) reply: FastifyReply) {
    return answer(reply, await this.components.cache());
  }

  @Get('sessions')
  @ApiOperation({
    summary: 'Active sessions (PostgreSQL) and users online on any instance (Redis)',
    description: `${NOT_READINESS} Down when either source does not answer; what could be read is there.`,
  })
  @ApiOkResponse({ type: SessionsReportResponse })
  @ApiServiceUnavailableResponse({ type: SessionsReportResponse })
  async sessions(@Res({ passthrough: true }) reply: FastifyReply) {
    return answer(reply, await this.components.sessions());
  }
}
