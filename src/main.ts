import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { pino } from 'pino';
import { createApp } from '#src/app.factory.js';
import { AppLifecycle } from '#src/health/app-lifecycle.service.js';
import { ConfigValidationError, validateEnv } from '#src/infra/config/env.validate.js';
import { startRuntime } from '#src/infra/embedded/embedded-runtime.js';
import { isWebAppBuilt, WEB_APP_PATH, webAppDir } from '#src/infra/http/web-app.js';

const logger = new Logger('Bootstrap');

/** The host a browser on this machine opens: a wildcard address is listened on, not visited. */
function browserHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = validateEnv(process.env);
  // Until the application's logger exists, log in the same JSON shape through pino directly.
  const early = pino({ level: env.LOG_LEVEL }).child({ context: 'Bootstrap' });
  const runtime = await startRuntime(env, (message) => early.info(message)).catch((error: unknown) => {
    early.fatal({ err: error }, 'Could not start the embedded servers');
    throw error;
  });
  const { config } = runtime;
  const app = await createApp(config).catch(async (error: unknown) => {
    early.fatal({ err: error }, 'Could not create the application');
    await runtime.stop();
    throw error;
  });
  const lifecycle = app.get(AppLifecycle);
  await app.listen({ port: config.PORT, host: config.HOST }).catch(async (error: unknown) => {
    early.fatal({ err: error }, `Could not listen on ${config.HOST}:${config.PORT}`);
    await app.close();
    await runtime.stop();
    throw error;
  });
  lifecycle.markServing();
  logger.log(`Serving on http://${config.HOST}:${config.PORT} using ${runtime.description}`);
  const webApp = webAppDir(config.WEB_APP_DIR);
  if (isWebAppBuilt(webApp)) logger.log(`App: http://${browserHost(config.HOST)}:${config.PORT}${WEB_APP_PATH}`);
  else logger.warn(`The web app is not built (no ${webApp}/index.html): ${WEB_APP_PATH} answers 404`);

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
  // A configuration error is one plain line; anything else was logged where it happened.
  if (error instanceof ConfigValidationError) process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
