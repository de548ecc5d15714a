import { readFile } from 'node:fs/promises';
import { createPreviewOpenApiDocument } from '#src/openapi-preview.js';
// @ts-expect-error: a plain JavaScript module of the client package (its script), typed by its use here
import { generateApiTypes, GENERATED_TYPES_FILE } from '../../packages/client/scripts/generate-types.mjs';
import { startTestApp, type TestApp } from '../support/test-app.js';

// The client's REST types (packages/client/src/generated/api.ts) are generated from the OpenAPI
// document and committed. `npm run client:types` builds the document without a database; this checks
// that it is the document the service serves, and that the committed types are what it generates.

let t: TestApp;
beforeAll(async () => (t = await startTestApp()));
afterAll(() => t.close());

it('the document built without a database is the one /docs-json serves', async () => {
  const served = await t.request('GET', '/docs-json');
  expect(served.status).toBe(200);
  expect(await createPreviewOpenApiDocument()).toEqual(served.json());
});

it('the committed client types are what the current document generates (run `npm run client:types`)', async () => {
  const served = (await t.request('GET', '/docs-json')).json();
  const generate = generateApiTypes as (document: unknown) => Promise<string>;
  expect(await readFile(GENERATED_TYPES_FILE as string, 'utf8')).toBe(await generate(served));
});
