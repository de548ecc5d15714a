/** Prefix of every public REST route (health and docs live outside it). */
export const API_PREFIX = 'api/v1';
