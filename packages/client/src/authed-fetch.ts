import type { TokenSession } from './token-session.js';

/**
 * `fetch` with the session's access token. A 401 UNAUTHORIZED (the token expired or was rotated
 * away) renews the tokens, through the session's one refresh in flight, and retries the request once.
 */
export function authedFetch(
  session: TokenSession,
  fetch: (request: Request) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const token = session.tokens?.accessToken;
    if (!token) return fetch(request);
    const retry = request.clone();
    request.headers.set('authorization', `Bearer ${token}`);
    const response = await fetch(request);
    if (response.status !== 401 || !(await isUnauthorized(response))) return response;
    const renewed = await session.renew(token).catch(() => null);
    if (!renewed) return response;
    retry.headers.set('authorization', `Bearer ${renewed.accessToken}`);
    return fetch(retry);
  };
}

async function isUnauthorized(response: Response): Promise<boolean> {
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { code?: unknown } | null;
  return body?.code === 'UNAUTHORIZED';
}
