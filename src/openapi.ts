import type { INestApplication } from '@nestjs/common';
import {
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
} from '@nestjs/swagger';
import { NOT_FOR_BOTS_EXTENSION } from '#src/common/decorators/not-for-bots.decorator.js';
import { CACHE_HEADER_EXTENSION } from '#src/infra/cache/cache-header.js';
import { WEB_APP_PATH } from '#src/infra/http/web-app.js';
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
export class ErrorBodySchema implements ErrorBody {
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

/** The security scheme of bots' API keys: an `Authorization` header with its own scheme name. */
const BOT_SCHEME = 'bot';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/**
 * Every route that takes a user's access token takes a bot's key too, except those marked
 * `@NotForBots()`: each such operation gets the `Bot` scheme as an alternative to `Bearer`.
 */
function offerBotScheme(document: OpenAPIObject): void {
  for (const path of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method] as
        ({ security?: Record<string, string[]>[] } & Record<string, unknown>) | undefined;
      if (!operation?.security || operation[NOT_FOR_BOTS_EXTENSION]) continue;
      // A new list: operations of one controller share theirs, and it is the decorators' own metadata.
      if (operation.security.some((requirement) => 'bearer' in requirement)) {
        operation.security = [...operation.security, { [BOT_SCHEME]: [] }];
      }
    }
  }
}

const errorAnswer = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
});

/** Fastify's own answer once the server is closing (return503OnClosing), after readiness went 503. */
const CLOSING =
  'While this instance closes (after readiness turned 503) Fastify itself answers ' +
  '{ "error": "Service Unavailable", "message": "Service Unavailable", "statusCode": 503 }, not the error body: send the request again';

/** Adds an error answer to an operation, or its meaning to the one the route declared for the status. */
function addError(operation: OperationObject, status: string, description: string): void {
  const declared = operation.responses[status] as { description?: string } | undefined;
  if (!declared) operation.responses[status] = errorAnswer(description);
  else if (!declared.description?.includes(description))
    declared.description = `${declared.description}; ${description}`;
}

/**
 * Fastify answers these before any route code runs: they belong to the HTTP layer, so they are
 * added here rather than repeated on each route.
 */
function addHttpLayerErrors(document: OpenAPIObject): void {
  for (const path of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      if (!operation) continue;
      const body = (operation.requestBody as { content?: Record<string, unknown> } | undefined)?.content;
      if (body?.['application/json']) {
        addError(operation, '413', 'PAYLOAD_TOO_LARGE: the body is over BODY_LIMIT_BYTES');
        addError(operation, '415', 'UNSUPPORTED_MEDIA_TYPE: a body that is not application/json');
      }
      if (operation.parameters?.some((parameter) => 'in' in parameter && parameter.in === 'path')) {
        addError(operation, '414', 'URI_TOO_LONG: a path parameter over 100 characters');
      }
      addError(operation, '503', CLOSING);
    }
  }
}

/**
 * A limited route sends the X-RateLimit-* headers on every answer once the request was counted, not
 * only with its 429: every answer of each operation whose 429 documents them gets them too (a refusal
 * before the count, such as a 401 from the token check, comes without them).
 */
function addRateLimitHeaders(document: OpenAPIObject): void {
  for (const path of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      const limited = (operation?.responses['429'] as { headers?: Record<string, unknown> } | undefined)?.headers;
      if (!operation || !limited?.['X-RateLimit-Limit']) continue;
      const headers = Object.fromEntries(Object.entries(limited).filter(([name]) => name.startsWith('X-RateLimit-')));
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status === '429') continue;
        const answer = response as { headers?: Record<string, unknown> };
        answer.headers = { ...answer.headers, ...headers };
      }
    }
  }
}

const REQUEST_ID_HEADER = {
  description:
    "The request's id: the caller's own X-Request-Id when it is 1 to 128 of A-Z a-z 0-9 . _ : -, else a new UUID. " +
    "Logged with the request, and the requestId of an error body. On every answer but Fastify's own 503 while closing.",
  schema: { type: 'string' },
};
const CACHE_HEADER = {
  description: 'HIT when the answer was served from Redis, MISS when it was loaded from PostgreSQL',
  schema: { type: 'string', enum: ['HIT', 'MISS'] },
};

/**
 * The headers every answer of a route carries: X-Request-Id on all of them (set before any route
 * runs), and X-Cache on the success answers of the routes marked with it (`ApiCacheHeader`).
 */
function addResponseHeaders(document: OpenAPIObject): void {
  // Declared once and referred to: the description is not repeated on each of some 600 answers.
  document.components = {
    ...document.components,
    headers: { ...document.components?.headers, 'X-Request-Id': REQUEST_ID_HEADER, 'X-Cache': CACHE_HEADER },
  };
  const requestId = { $ref: '#/components/headers/X-Request-Id' };
  const cache = { $ref: '#/components/headers/X-Cache' };
  for (const path of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method] as (OperationObject & Record<string, unknown>) | undefined;
      if (!operation) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        const answer = response as { headers?: Record<string, unknown> };
        const cached = operation[CACHE_HEADER_EXTENSION] === true && /^2\d\d$/.test(status);
        answer.headers = { ...answer.headers, 'X-Request-Id': requestId, ...(cached && { 'X-Cache': cache }) };
      }
    }
  }
}

/** The routes served outside any controller: the document's own (SwaggerModule's) and the web app. */
function addDocumentRoutes(document: OpenAPIObject): void {
  document.paths['/docs-json'] = {
    get: {
      tags: ['docs'],
      summary: 'This OpenAPI 3 document',
      responses: {
        '200': {
          description: 'The document, as JSON',
          content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } },
        },
      },
    },
  };
  document.paths['/docs-yaml'] = {
    get: {
      tags: ['docs'],
      summary: 'This OpenAPI 3 document, as YAML',
      responses: {
        '200': { description: 'The document, as YAML', content: { 'text/yaml': { schema: { type: 'string' } } } },
      },
    },
  };
  document.paths[WEB_APP_PATH] = {
    get: {
      tags: ['web app'],
      summary: 'The web app',
      description:
        'Its page (index.html, Cache-Control: no-cache, with its own Content-Security-Policy). Its scripts, styles ' +
        `and icons are under ${WEB_APP_PATH}/assets/, named by their content hash and cached a year (immutable); ` +
        `${WEB_APP_PATH}/ answers the page too.`,
      responses: {
        '200': { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } },
        '404': errorAnswer('NOT_FOUND: the web app is not built on this instance (npm run build builds it)'),
      },
    },
  };
  document.paths['/docs'] = {
    get: {
      tags: ['docs'],
      summary: 'The OpenAPI UI',
      responses: {
        '200': {
          description: 'An HTML page that reads /docs-json',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
      },
    },
  };
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
    .addSecurity(BOT_SCHEME, {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description:
        "A bot's API key (from POST /admin/bots), sent as `Authorization: Bot <apiKey>`. Refused (401) once the bot " +
        'is deleted; 403 FORBIDDEN on the session, sign-out, account deletion and /admin routes.',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorBodySchema] });
  offerBotScheme(document);
  addDocumentRoutes(document);
  addHttpLayerErrors(document);
  addRateLimitHeaders(document);
  addResponseHeaders(document);
  return document;
}
