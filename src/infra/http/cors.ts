/** `CORS_ORIGINS` as the `origin` option of @fastify/cors and Socket.IO: `true` (any), a list, or `false`. */
export function allowedOrigins(setting: string): boolean | string[] {
  const trimmed = setting.trim();
  if (trimmed === '*') return true;
  const origins = trimmed
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  return origins.length > 0 ? origins : false;
}

/** Headers a browser client may send, and read, across origins. */
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'x-request-id'];
export const CORS_EXPOSED_HEADERS = [
  'x-request-id',
  'x-cache',
  'retry-after',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
];
