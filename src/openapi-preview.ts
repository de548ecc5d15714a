import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { APP_OPTIONS, createFastifyAdapter } from '#src/app.factory.js';
import { AppModule } from '#src/app.module.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { validateEnv } from '#src/infra/config/env.validate.js';
import { createOpenApiDocument } from '#src/openapi.js';

/**
 * A configuration that is never connected to: preview mode instantiates no provider, so no client
 * of PostgreSQL or Redis is created, and the addresses only need to be well formed.
 */
function previewConfig(): AppConfig {
  return {
    ...validateEnv({ LOG_LEVEL: 'silent' }),
    DATABASE_URL: 'postgresql://preview@127.0.0.1:1/preview',
    REDIS_URL: 'redis://127.0.0.1:1',
    JWT_SECRET: 'preview-'.repeat(8),
  };
}

/**
 * The OpenAPI document /docs-json serves, built without a database or Redis: Nest's preview mode
 * scans the modules and their routes but runs no factory and no lifecycle hook.
 */
export async function createPreviewOpenApiDocument(): Promise<OpenAPIObject> {
  const config = previewConfig();
  const app = await NestFactory.create(AppModule.forRoot(config), createFastifyAdapter(config), {
    ...APP_OPTIONS,
    preview: true,
    logger: false,
  });
  try {
    return createOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
