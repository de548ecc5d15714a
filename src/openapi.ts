import type { INestApplication } from '@nestjs/common';
import {
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
} from '@nestjs/swagger';
import type { ErrorCode, ErrorDetail } from '#src/common/errors/app-error.js';
import type { ErrorBody } from '#src/common/errors/error-body.js';
import { ERROR_CODES } from './error-catalogue.js';

class ErrorDetailSchema implements ErrorDetail {
  @ApiPropertyOptional({ description: 'The field at fault, when there is one' })
  field?: string;

  @ApiProperty()
  message!: string;
}

@ApiSchema({ name: 'ErrorBody', description: 'The one error body, on REST and in Socket.IO acks' })
class ErrorBodySchema implements ErrorBody {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ enum: ERROR_CODES, description: 'Stable code clients switch on' })
  code!: ErrorCode;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ type: [ErrorDetailSchema] })
  details?: ErrorDetailSchema[];

  @ApiPropertyOptional({
    description: 'With a 429: the seconds to wait, as the Retry-After header says (socket acks carry no headers)',
    minimum: 0,
  })
  retryAfterSeconds?: number;

  @ApiProperty({ description: 'Also in the X-Request-Id header' })
  requestId!: string;
}

/** The OpenAPI document served at /docs and /docs-json: the routes of `app`, and the error body. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Chat backend')
    .setDescription(
      'REST API of the real-time chat service. Errors share one body: { statusCode, code, message, details?, requestId }.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ErrorBodySchema] });
}
