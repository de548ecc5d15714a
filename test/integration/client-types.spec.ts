import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
// @ts-expect-error: a plain JavaScript module of the client package (its script), typed by its use here
import { generateApiTypes, GENERATED_TYPES_FILE } from '../../packages/client/scripts/generate-types.mjs';
import { instanceEnv, spawnReadyApp, type AppProcess } from '../support/app-process.js';

// The client's REST types (packages/client/src/generated/api.ts) are generated from the OpenAPI
// document and committed. `npm run client:types` builds the document without a database
// (dist/cli/openapi.js); this checks that it is the document an instance serves, and that the
// committed types are what it generates. Both come from the built service: the decorator metadata
// tsc emits is what production documents, and the test transform's would differ.

const OPENAPI_CLI = fileURLToPath(new URL('../../dist/cli/openapi.js', import.meta.url));
const spawned: AppProcess[] = [];
let served: string;

beforeAll(async () => {
  const app = await spawnReadyApp(instanceEnv(), spawned);
  const response = await app.request('GET', '/docs-json');
  expect(response.status).toBe(200);
  served = response.text;
});
afterAll(() => spawned.forEach((app) => app.kill()));

it('the document built with no database, Redis or configuration is the one an instance serves', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [OPENAPI_CLI], {
    env: { PATH: process.env.PATH ?? '' },
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(JSON.stringify(JSON.parse(stdout))).toBe(JSON.stringify(JSON.parse(served)));
});

it('the committed client types are what the current document generates (run `npm run client:types`)', async () => {
  const generate = generateApiTypes as (document: unknown) => Promise<string>;
  expect(await readFile(GENERATED_TYPES_FILE as string, 'utf8')).toBe(await generate(JSON.parse(served)));
});
