import { errorCodes, type FastifyInstance, type preParsingHookHandler } from 'fastify';

/**
 * Route config flag (`@RouteConfig({ [STREAMED_BODY]: true })`): the handler gets the request body
 * unread, as a stream in `request.body`, whatever its `Content-Type` (the client's header stays in
 * `request.raw.headers`), with no body limit: the handler enforces its own.
 */
export const STREAMED_BODY = 'streamedBody';

/** The media type such routes' requests are parsed as; only they accept it. */
const STREAMED_MEDIA_TYPE = 'application/x-streamed-body';

/**
 * Fastify picks a body parser by `Content-Type` for the whole server, and Nest registers every route
 * on the root instance, so no route can have parsers of its own. A flagged route gets a preParsing
 * hook instead, which makes the request's `request.headers['content-type']` (Fastify's documented
 * additive headers; `request.raw.headers` is untouched) the private type whose parser hands the body
 * over unread. Every other route keeps the parsers as they are (JSON through registerJsonBodyParser).
 * Must be called before the routes are registered (before `app.init()`).
 */
export function registerStreamedBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if (!isStreamed(route.config)) return;
    const hooks = route.preParsing === undefined ? [] : [route.preParsing].flat();
    route.preParsing = [...hooks, parseAsStream];
  });
  fastify.addContentTypeParser(STREAMED_MEDIA_TYPE, (request, payload, done) => {
    if (isStreamed(request.routeOptions.config)) done(null, payload);
    else done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE());
  });
}

const isStreamed = (config: unknown): boolean =>
  typeof config === 'object' && config !== null && (config as Record<string, unknown>)[STREAMED_BODY] === true;

const parseAsStream: preParsingHookHandler = (request, _reply, payload, done) => {
  request.headers = { 'content-type': STREAMED_MEDIA_TYPE };
  done(null, payload);
};
