// Writes the service's OpenAPI document (what /docs-json serves) as JSON to standard output, with no
// database, Redis or configuration: `node dist/cli/openapi.js > openapi.json`.
import 'reflect-metadata';
import { createPreviewOpenApiDocument } from '#src/openapi-preview.js';

const document = await createPreviewOpenApiDocument();
process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
