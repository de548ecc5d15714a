import sharp from 'sharp';
import { bearer, type Requester, type SignedIn } from './auth-client.js';
import { expectStatus } from './chat-client.js';

export interface Declared {
  id: string;
  uploadUrl: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

/** Images made on the spot, in the formats completion must measure and thumbnail. */
export const image = (format: 'png' | 'jpeg' | 'webp', width: number, height: number): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .toFormat(format)
    .toBuffer();

/** A link as the storage gave it: absolute, or a path on the API's own origin (the local driver). */
export const absolute = (baseUrl: string, url: string) => (/^https?:\/\//.test(url) ? url : `${baseUrl}${url}`);

/** The uploads API, and the storage's links, as a client uses them. */
export const uploads = (t: Requester & { baseUrl: string }, who: SignedIn) => {
  const call = (method: string, path: string, body?: unknown) =>
    t.request(method, `/api/v1/uploads${path}`, { headers: bearer(who.accessToken), body });
  return {
    declare: (name: string, mimeType: string, size: number) => call('POST', '', { name, mimeType, size }),
    complete: (id: string) => call('POST', `/${id}/complete`),
    links: (id: string) => call('GET', `/${id}/url`),
    /** Sends `bytes` to the declared upload's link, with its headers. */
    put: (declared: Declared, bytes: Buffer) =>
      fetch(absolute(t.baseUrl, declared.uploadUrl), {
        method: declared.method,
        headers: declared.headers,
        body: new Uint8Array(bytes),
      }),
    /** Declares, sends and completes: the ready upload. */
    async upload(name: string, mimeType: string, bytes: Buffer) {
      const declared = expectStatus<Declared>(await this.declare(name, mimeType, bytes.length), 201);
      const sent = await this.put(declared, bytes);
      if (sent.status >= 300) throw new Error(`upload PUT answered ${sent.status}: ${await sent.text()}`);
      return expectStatus<{ id: string; width?: number; height?: number; hasThumbnail: boolean }>(
        await this.complete(declared.id),
        200,
      );
    },
  };
};

/** Fetches a link the API gave: status, type and bytes. */
export async function download(baseUrl: string, url: string) {
  const response = await fetch(absolute(baseUrl, url));
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}
