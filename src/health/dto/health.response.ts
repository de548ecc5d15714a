import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import type { ComponentHealth, ComponentStatus, HealthOverview } from '../health.service.js';

const COMPONENT_STATUSES: ComponentStatus[] = ['up', 'degraded', 'down'];

@ApiSchema({ name: 'ComponentHealth' })
export class ComponentHealthResponse implements ComponentHealth {
  @ApiProperty({ enum: COMPONENT_STATUSES })
  status!: ComponentStatus;

  @ApiPropertyOptional({ minimum: 0, description: 'postgres and redis: the last probe' })
  latencyMs?: number;

  @ApiPropertyOptional({ enum: ['timeout', 'unavailable'], description: 'A failed probe' })
  error?: string;

  @ApiPropertyOptional({ example: 'serving', description: 'instance: starting, serving or shutting down' })
  phase?: string;
}

const COMPONENTS = {
  type: 'object',
  additionalProperties: { $ref: getSchemaPath(ComponentHealthResponse) },
  description: 'By component: instance, postgres, redis',
} as const;

@ApiExtraModels(ComponentHealthResponse)
@ApiSchema({ name: 'HealthOverview' })
export class HealthOverviewResponse implements HealthOverview {
  @ApiProperty({
    enum: ['ok', 'degraded', 'down'],
    description: 'degraded: Redis down; down: the instance or PostgreSQL',
  })
  status!: HealthOverview['status'];

  @ApiProperty({ type: 'integer', minimum: 0 })
  uptimeSeconds!: number;

  @ApiProperty(COMPONENTS)
  components!: Record<string, ComponentHealthResponse>;
}

@ApiExtraModels(ComponentHealthResponse)
@ApiSchema({ name: 'Readiness', description: "Terminus's report of the checks readiness runs" })
export class ReadinessResponse {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';

  @ApiProperty({ ...COMPONENTS, description: 'The passing checks: instance and postgres' })
  info!: Record<string, ComponentHealthResponse>;

  @ApiProperty({ ...COMPONENTS, description: 'Empty while ready' })
  error!: Record<string, ComponentHealthResponse>;

  @ApiProperty({ ...COMPONENTS, description: 'Every check' })
  details!: Record<string, ComponentHealthResponse>;
}

@ApiSchema({ name: 'Liveness' })
export class LivenessResponse {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}
