import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { createApp } from '#src/app.factory.js';
import { AppLifecycle } from '#src/health/app-lifecycle.service.js';
import { ConfigValidationError, validateEnv } from '#src/infra/config/env.validate.js';
import { startRuntime } from '#src/infra/embedded/embedded-runtime.js';

const logger = new Logger('Bootstrap');

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = validateEnv(process.env);
  const runtime = await startRuntime(env, (message) => logger.log(message));
  const { config } = runtime;
  const app = await createApp(config).catch(async (error: unknown) => {
    await runtime.stop();
    throw error;
  });
  const lifecycle = app.get(AppLifecycle);
  await app.listen({ port: config.PORT, host: config.HOST });
  lifecycle.markServing();
  logger.log(`Serving on http://${config.HOST}:${config.PORT} using ${runtime.description}`);

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // SIGTERM comes from the orchestrator: fail readiness first and keep serving for the drain
    // period, so the load balancer stops routing here before the listener closes. Ctrl-C skips it.
    const drainMs = signal === 'SIGTERM' ? config.SHUTDOWN_DRAIN_MS : 0;
    logger.log(`${signal} received: draining for ${drainMs} ms, then closing`);
    lifecycle.beginDrain();
    const deadline = setTimeout(() => {
      logger.error(`Shutdown took longer than ${config.SHUTDOWN_TIMEOUT_MS} ms; exiting`);
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    await new Promise((resolve) => setTimeout(resolve, drainMs));
    await app.close();
    await runtime.stop();
    logger.log('Shutdown complete');
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  process.exit(1);
});
