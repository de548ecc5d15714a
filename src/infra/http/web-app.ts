import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '#src/common/errors/common.errors.js';
import { toErrorBody } from '#src/common/errors/error-body.js';
import { webAppHeaders } from './web-app-headers.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the web app is served: Vite builds it with `base: '/app/'`. */
export const WEB_APP_PATH = '/app';

/** index.html names the current assets: browsers check it on every visit. */
const PAGE_CACHE = 'no-cache';
/** Vite puts a hash of their content in the assets' names: a changed file gets a new name. */
const ASSET_CACHE = 'public, max-age=31536000, immutable';

/** The folder the web app is served from: WEB_APP_DIR, or the project's packages/web/dist. */
export function webAppDir(configured: string | undefined): string {
  return configured ? resolve(configured) : join(PROJECT_ROOT, 'packages', 'web', 'dist');
}

export const isWebAppBuilt = (dir: string): boolean => existsSync(join(dir, 'index.html'));

export interface WebAppOptions {
  dir: string;
  /** The storage's origin when its links are not the app's own (S3), for the page's policy. */
  storageOrigin: string | null;
}

/**
 * `/app` and `/app/` answer index.html, `/app/*` the files of the built app. Whether it is built is
 * read once, here: without it every `/app` path answers 404 saying so, and the API serves as usual.
 * Every answer under /app carries the page's headers instead of the API's policy for JSON.
 */
export async function registerWebApp(fastify: FastifyInstance, { dir, storageOrigin }: WebAppOptions): Promise<void> {
  const headersFor = webAppHeaders(storageOrigin);
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', (request, reply, done) => {
      void reply.headers(headersFor(request.headers.host));
      done();
    });

    if (!isWebAppBuilt(dir)) {
      const message = `The web app is not built: ${join(dir, 'index.html')} is missing (npm run build builds it)`;
      const answer = (request: FastifyRequest, reply: FastifyReply) => {
        const body = toErrorBody(notFound(message), String(request.id));
        return reply.code(body.statusCode).send(body);
      };
      scope.get(WEB_APP_PATH, answer);
      scope.get(`${WEB_APP_PATH}/*`, answer);
      return;
    }

    const assets = join(dir, 'assets') + sep;
    await scope.register(fastifyStatic, {
      root: dir,
      prefix: `${WEB_APP_PATH}/`,
      index: false,
      cacheControl: false,
      setHeaders: (reply, path) => {
        void reply.header('cache-control', path.startsWith(assets) ? ASSET_CACHE : PAGE_CACHE);
      },
    });
    const page = (_request: FastifyRequest, reply: FastifyReply) => reply.sendFile('index.html');
    scope.get(WEB_APP_PATH, page);
    scope.get(`${WEB_APP_PATH}/`, page);
  });
}
