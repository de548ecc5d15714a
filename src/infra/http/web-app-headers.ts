import { securityHeaders } from './security-headers.js';

/**
 * A Host header this service can name in a policy: a DNS name or IPv4 address, or a bracketed IPv6
 * address, with an optional port. Anything else (a `;`, a space, a quote) could add a directive.
 */
const POLICY_HOST = /^(?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i;

/**
 * The Content-Security-Policy of the web app's pages: its own scripts and styles only; images also
 * from data: and blob: URLs (previews of a picked file) and from the storage; requests to the API,
 * its Socket.IO endpoint and the storage's upload links. `socketHost` is the host the page was
 * loaded from: the socket connects back to it, over ws: behind plain HTTP and wss: behind TLS.
 */
export function webAppPolicy(storageOrigin: string | null, socketHost?: string): string {
  const storage = storageOrigin ? [storageOrigin] : [];
  const sockets = socketHost ? [`ws://${socketHost}`, `wss://${socketHost}`] : [];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    ["img-src 'self' data: blob:", ...storage].join(' '),
    ["connect-src 'self'", ...sockets, ...storage].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * The headers of every answer under /app, by the request's Host: the API's security headers with the
 * page's policy in place of the JSON one. Everything but the socket's host is computed here, once.
 * A Host that cannot be named safely gets the policy without it ('self' alone, which CSP Level 3
 * browsers also apply to ws:/wss: of the page's own origin).
 */
export function webAppHeaders(storageOrigin: string | null): (host: string | undefined) => Record<string, string> {
  // The page is never framed: frame-ancestors 'none', and the same in the older header.
  const base = { ...securityHeaders(), 'x-frame-options': 'DENY' };
  const withoutHost = { ...base, 'content-security-policy': webAppPolicy(storageOrigin) };
  return (host) =>
    host && POLICY_HOST.test(host)
      ? { ...base, 'content-security-policy': webAppPolicy(storageOrigin, host.toLowerCase()) }
      : withoutHost;
}
