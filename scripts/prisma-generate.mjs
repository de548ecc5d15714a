// Runs `prisma generate` on machines without internet access.
// The Prisma CLI insists on finding its native schema engine before generating, although
// generating never executes it. Where that engine was not downloaded (offline installs), point the
// CLI at an existing file so it proceeds; migrations use the WebAssembly engine instead
// (src/infra/prisma/migrator.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
const enginesDir = dirname(require.resolve('@prisma/engines/package.json'));
const hasNativeEngine = readdirSync(enginesDir).some((name) => name.startsWith('schema-engine'));
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
if (!hasNativeEngine && !env.PRISMA_SCHEMA_ENGINE_BINARY) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
const cli = require.resolve('prisma/build/index.js');
if (!existsSync(cli)) throw new Error(`Prisma CLI not found at ${cli}`);
const result = spawnSync(process.execPath, [cli, 'generate'], { env, stdio: 'inherit' });
process.exit(result.status ?? 1);
