import { getSchemaPath } from '@nestjs/swagger';

/** Prefix of every public REST route (health and docs live outside it). */
export const API_PREFIX = 'api/v1';

/** The OpenAPI content of an error answer: the one error body (see src/openapi.ts). */
export const ERROR_BODY = { schema: { $ref: getSchemaPath('ErrorBody') } };
