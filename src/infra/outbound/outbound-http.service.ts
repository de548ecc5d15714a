import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { configSlice } from '#src/infra/config/config-slice.js';
import { assertAllowedHost, guardedLookup } from './outbound-address.guard.js';
import { OutboundError } from './outbound.error.js';

export class OutboundSettings extends configSlice('OUTBOUND_ALLOW_PRIVATE_ADDRESSES') {}

export interface OutboundRequest {
  url: string;
  method: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  /** The whole call, connection to last byte. Default 10 s. */
  timeoutMs?: number;
  /** A longer response is aborted with `too_large`. Default 64 KiB. */
  maxResponseBytes?: number;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
/** Push payloads are at most 4 KiB and webhook bodies small: a larger body is a bug, not a message. */
const MAX_REQUEST_BYTES = 1024 * 1024;

function parseUrl(text: string): URL {
  if (!URL.canParse(text)) throw new OutboundError('bad_url', 'not a valid URL');
  const url = new URL(text);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OutboundError('bad_url', `${url.protocol} URLs are not called`);
  }
  return url;
}

/**
 * The one way the service calls out over HTTP/1.1 (push services, webhooks): a total deadline, a
 * cap on what is sent and read, no redirects (a 3xx is returned as it is: following one would
 * let the far side point the call anywhere), and the address guard on every connection.
 */
@Injectable()
export class OutboundHttp implements OnModuleDestroy {
  private readonly allowPrivate: boolean;
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;

  constructor(settings: OutboundSettings) {
    this.allowPrivate = settings.OUTBOUND_ALLOW_PRIVATE_ADDRESSES;
    const lookup = guardedLookup(this.allowPrivate);
    this.httpAgent = new HttpAgent({ keepAlive: true, lookup });
    this.httpsAgent = new HttpsAgent({ keepAlive: true, lookup });
  }

  onModuleDestroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** Resolves with any status; rejects only with an `OutboundError`. */
  async request(options: OutboundRequest): Promise<OutboundResponse> {
    const url = parseUrl(options.url);
    assertAllowedHost(url.hostname, this.allowPrivate);
    const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
    if (body && body.length > MAX_REQUEST_BYTES) {
      throw new OutboundError('too_large', `request body of ${body.length} bytes is over ${MAX_REQUEST_BYTES}`);
    }
    const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const https = url.protocol === 'https:';
    const headers = { ...options.headers, ...(body ? { 'content-length': body.length } : {}) };

    return new Promise<OutboundResponse>((resolve, reject) => {
      const fail = (error: unknown) => {
        clearTimeout(timer);
        reject(
          error instanceof OutboundError
            ? error
            : new OutboundError('network', error instanceof Error ? error.message : String(error)),
        );
      };
      const request = (https ? httpsRequest : httpRequest)(url, {
        method: options.method,
        headers,
        agent: https ? this.httpsAgent : this.httpAgent,
      });
      const timer = setTimeout(
        () => request.destroy(new OutboundError('timeout', `no complete answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      request.on('error', fail);
      request.on('response', (response) => {
        const tooLarge = () => new OutboundError('too_large', `response over ${maxBytes} bytes`);
        if (Number(response.headers['content-length'] ?? 0) > maxBytes) return request.destroy(tooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return request.destroy(tooLarge());
          chunks.push(chunk);
        });
        response.on('error', fail);
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) });
        });
      });
      request.end(body);
    });
  }
}
