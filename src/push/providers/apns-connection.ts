import { connect, constants, type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import { assertAllowedHost, guardedLookup } from '#src/infra/outbound/outbound-address.guard.js';
import { OutboundError } from '#src/infra/outbound/outbound.error.js';

export interface ApnsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const REQUEST_TIMEOUT_MS = 10_000;
/** APNs answers are a few bytes of JSON; anything longer is not APNs. */
const MAX_RESPONSE_BYTES = 16 * 1024;

/**
 * One HTTP/2 session to APNs, as Apple asks (a connection per send is treated as abuse), opened
 * again when it closes or fails. Its socket goes through the outbound address guard like every
 * HTTP/1.1 call does.
 */
export class ApnsConnection {
  private session?: Promise<ClientHttp2Session>;

  constructor(
    private readonly endpoint: string,
    private readonly allowPrivate: boolean,
  ) {}

  async request(headers: OutgoingHttpHeaders, body: string): Promise<ApnsResponse> {
    const session = await this.connected();
    return new Promise<ApnsResponse>((resolve, reject) => {
      const stream = session.request(headers);
      const fail = (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof OutboundError ? error : new OutboundError('network', (error as Error).message));
      };
      const timer = setTimeout(() => {
        stream.close(constants.NGHTTP2_CANCEL);
        fail(new OutboundError('timeout', `no answer from APNs within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      let status = 0;
      let answerHeaders: ApnsResponse['headers'] = {};
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('response', (received) => {
        status = Number(received[':status']);
        answerHeaders = received;
      });
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          stream.close(constants.NGHTTP2_CANCEL);
          return fail(new OutboundError('too_large', 'APNs answer too long'));
        }
        chunks.push(chunk);
      });
      stream.on('error', fail);
      stream.on('end', () => {
        clearTimeout(timer);
        resolve({ status, headers: answerHeaders, body: Buffer.concat(chunks).toString('utf8') });
      });
      stream.end(body);
    });
  }

  close(): void {
    const session = this.session;
    this.session = undefined;
    void session?.then((open) => open.close()).catch(() => undefined);
  }

  private connected(): Promise<ClientHttp2Session> {
    this.session ??= this.open();
    return this.session;
  }

  private open(): Promise<ClientHttp2Session> {
    const opened = new Promise<ClientHttp2Session>((resolve, reject) => {
      assertAllowedHost(new URL(this.endpoint).hostname, this.allowPrivate);
      const session = connect(this.endpoint, { lookup: guardedLookup(this.allowPrivate) });
      const forget = () => {
        if (this.session === opened) this.session = undefined;
      };
      session.once('connect', () => {
        // An idle session must not keep the process alive; shutdown closes it anyway.
        session.unref();
        resolve(session);
      });
      session.once('error', (error: Error) => {
        forget();
        reject(error instanceof OutboundError ? error : new OutboundError('network', error.message));
      });
      session.once('close', forget);
      session.once('goaway', forget);
    });
    // A failed connection is not kept: the next send opens a new one.
    opened.catch(() => {
      if (this.session === opened) this.session = undefined;
    });
    return opened;
  }
}
