import { get } from 'node:http';
import { bearer, type Requester, type SignedIn } from './auth-client.js';
import { expectStatus } from './chat-client.js';
import { eventually } from './eventually.js';

export interface ExportView {
  id: string;
  status: 'pending' | 'running' | 'ready' | 'failed' | 'expired';
  createdAt: string;
  completedAt: string | null;
  expiresAt: string | null;
  size: number | null;
  url?: string;
  urlExpiresAt?: string;
}

/** The data export routes, as a client calls them. */
export const exportsOf = (t: Requester, who: SignedIn) => ({
  request: () => t.request('POST', '/api/v1/users/me/export', { headers: bearer(who.accessToken) }),
  status: (id: string) => t.request('GET', `/api/v1/users/me/export/${id}`, { headers: bearer(who.accessToken) }),
  /** Polls the export until it is no longer pending or running. */
  async settled(id: string, timeoutMs = 15_000): Promise<ExportView> {
    return eventually(
      async () => expectStatus<ExportView>(await this.status(id), 200),
      (view) => view.status !== 'pending' && view.status !== 'running',
      timeoutMs,
    );
  },
});

/**
 * Fetches a link the API gave on a connection of its own, closed after the answer (no keep-alive):
 * an app closed right after still finds no connection open that a download just finished on.
 */
export function downloadOnce(
  baseUrl: string,
  url: string,
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const target = new URL(url, baseUrl);
  return new Promise((resolve, reject) => {
    get(target, { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (typeof value === 'string') headers.set(name, value);
        }
        resolve({ status: response.statusCode ?? 0, headers, bytes: Buffer.concat(chunks) });
      });
      response.on('error', reject);
    }).on('error', reject);
  });
}
