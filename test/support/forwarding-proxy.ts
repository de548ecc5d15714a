import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP reverse proxy like nginx with `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`:
 * it appends the address it was connected from to X-Forwarded-For and forwards the request to
 * `target`. It connects onward from `localAddress` (a loopback address such as 127.0.0.10), so the
 * next hop sees that address as its peer. Proxies can be chained.
 */
export interface ForwardingProxy {
  url: string;
  close(): Promise<void>;
}

export async function forwardingProxy(target: string, localAddress: string): Promise<ForwardingProxy> {
  const upstream = new URL(target);
  const server: Server = createServer((incoming, outgoing) => {
    const peer = incoming.socket.remoteAddress ?? '';
    const forwarded = [incoming.headers['x-forwarded-for'] ?? []].flat().join(', ');
    const headers: IncomingHttpHeaders = {
      ...incoming.headers,
      host: upstream.host,
      'x-forwarded-for': forwarded ? `${forwarded}, ${peer}` : peer,
    };
    const proxied = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers,
        localAddress,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    proxied.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A request sent from a chosen loopback address (`from`, e.g. 127.0.0.5), as a client at that
 * address would; `fetch` cannot choose its local address.
 */
export function requestFrom(
  from: string,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; json<T = any>(): T }> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers = { ...options.headers, ...(body ? { 'content-type': 'application/json' } : {}) };
  return new Promise((resolve, reject) => {
    const sent = httpRequest(url, { method: options.method ?? 'GET', headers, localAddress: from }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: answer.statusCode ?? 0, json: () => JSON.parse(text) });
      });
      answer.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(body);
  });
}
