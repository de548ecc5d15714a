import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How far a webhook's timestamp may be from the receiver's clock (the Standard Webhooks default). */
const TOLERANCE_SECONDS = 5 * 60;

/**
 * Why a request is not a genuine Standard Webhooks delivery signed with `secret`, or null when it
 * is. Written from the specification, not from the service's code: the key is the base64 after
 * `whsec_`, the signed content is `id.timestamp.body`, the header is a space-separated list of
 * `v1,<base64>` signatures of which one must match, compared in constant time, and the timestamp
 * must be within five minutes.
 */
export function verificationProblem(
  secret: string,
  headers: IncomingHttpHeaders,
  body: string,
  nowSeconds = Date.now() / 1000,
): string | null {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') {
    return 'missing webhook-id, webhook-timestamp or webhook-signature';
  }
  if (!/^\d+$/.test(timestamp)) return `webhook-timestamp ${timestamp} is not unix seconds`;
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) return `webhook-timestamp ${timestamp} is stale`;
  if (!secret.startsWith('whsec_')) return 'the secret is not a whsec_ secret';
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  const matches = signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? null : `no signature of ${signatures} matches`;
}

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  contentType: string | undefined;
  body: string;
  payload: { type: string; timestamp: string; data: any };
}

/** How the receiver answers: a status, or never (the connection stays open with no answer). */
export type ReceiverMode = { status: number } | 'hang';

export interface WebhookReceiver {
  url: string;
  /** Every request that verified, in arrival order, whatever the receiver answered it. */
  received: ReceivedWebhook[];
  /** Requests that did not verify, with why. */
  rejected: string[];
  /** The secret requests are verified with: the one the webhook's creation answered. */
  secret: string;
  mode: ReceiverMode;
  /** The most requests it held unanswered at once (mode `hang`). */
  mostHanging: number;
  /** Answers each request: a status, or hangs; verified requests are recorded whatever it answers. */
  answer?: (request: ReceivedWebhook) => ReceiverMode;
  /** Stops listening and drops every connection, as a receiver that is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that checks every request as a receiver following the specification would. */
export async function startWebhookReceiver(path = '/hooks/chat'): Promise<WebhookReceiver> {
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  let server: Server;
  let port = 0;
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    rejected: [],
    secret: '',
    mode: { status: 204 },
    mostHanging: 0,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        hanging.clear();
      }),
    start: () => listen(),
    close: () => receiver.stop(),
  };
  const listen = () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const problem =
          request.method !== 'POST' || request.url !== path
            ? `${request.method} ${request.url}`
            : verificationProblem(receiver.secret, request.headers, body);
        if (problem) {
          receiver.rejected.push(problem);
          response.writeHead(400).end();
          return;
        }
        const received: ReceivedWebhook = {
          id: request.headers['webhook-id'] as string,
          timestamp: Number(request.headers['webhook-timestamp']),
          contentType: request.headers['content-type'],
          body,
          payload: JSON.parse(body),
        };
        receiver.received.push(received);
        const mode = receiver.answer?.(received) ?? receiver.mode;
        if (mode !== 'hang') return void response.writeHead(mode.status).end();
        hanging.add(response);
        response.on('close', () => hanging.delete(response));
        receiver.mostHanging = Math.max(receiver.mostHanging, hanging.size);
      });
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    return new Promise<void>((resolve) =>
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        port = typeof address === 'object' && address ? address.port : port;
        resolve();
      }),
    );
  };
  await listen();
  receiver.url = `http://127.0.0.1:${port}${path}`;
  return receiver;
}
