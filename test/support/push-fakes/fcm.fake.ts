import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { checkJwt, nowSeconds } from './jwt-check.js';
import { trustTestCa } from './test-ca.js';

export interface TestServiceAccount {
  type: 'service_account';
  project_id: string;
  client_email: string;
  private_key: string;
  token_uri: string;
}

export interface FcmFake {
  origin: string;
  /** A service account of this fake: its own RSA key, its token_uri the fake's token endpoint. */
  serviceAccount: TestServiceAccount;
  /** Access tokens granted, in order. */
  granted: string[];
  /** Messages accepted (the `message` object of each send). */
  messages: any[];
  /** Requests that failed a check, so a test can assert there were none. */
  rejections: { path: string; status: number; reason: string }[];
  /** The registration token answers 404 UNREGISTERED from now on (the app was uninstalled). */
  unregister(token: string): void;
  /** Every access token granted so far answers 401 from now on. */
  revokeAccessTokens(): void;
  close(): Promise<void>;
}

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => resolve(text));
  });

/** What FCM answers for an uninstalled app's token. */
const UNREGISTERED = {
  error: {
    code: 404,
    message: 'Requested entity was not found.',
    status: 'NOT_FOUND',
    details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' }],
  },
};

/** The shape FCM HTTP v1 requires of a message; a string says what is wrong. */
function messageProblem(message: any): string | undefined {
  if (typeof message?.token !== 'string' || message.token === '') return 'message.token';
  const data = message.data ?? {};
  if (Object.values(data).some((value) => typeof value !== 'string')) return 'message.data values must be strings';
  if (typeof message.notification?.title !== 'string') return 'message.notification.title';
  if (!/^\d+s$/.test(message.android?.ttl ?? '')) return 'message.android.ttl';
  if (typeof message.android?.collapse_key !== 'string') return 'message.android.collapse_key';
  if (typeof message.apns?.headers?.['apns-collapse-id'] !== 'string') return 'message.apns.headers';
  if (typeof message.webpush?.headers?.Topic !== 'string') return 'message.webpush.headers.Topic';
  return undefined;
}

/**
 * Google's OAuth token endpoint and FCM's v1 send endpoint in one HTTPS server: the JWT-bearer
 * grant is checked against the service account's public key, and sends need a token it granted.
 */
export async function startFcmFake(): Promise<FcmFake> {
  const ca = trustTestCa();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const granted: string[] = [];
  const revoked = new Set<string>();
  const unregistered = new Set<string>();
  const messages: any[] = [];
  const rejections: FcmFake['rejections'] = [];

  function grantProblem(form: URLSearchParams, key: KeyObject): string | undefined {
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return 'grant_type';
    const jwt = checkJwt(form.get('assertion') ?? '', 'RS256', key);
    if (typeof jwt === 'string') return jwt;
    const { iss, scope, aud, iat, exp } = jwt.claims as Record<string, any>;
    if (iss !== serviceAccount.client_email) return 'iss';
    if (scope !== SCOPE) return 'scope';
    if (aud !== serviceAccount.token_uri) return 'aud';
    if (typeof exp !== 'number' || typeof iat !== 'number' || exp <= nowSeconds() || exp - iat > 3600) return 'exp';
    return undefined;
  }

  const server = createServer({ key: ca.key, cert: ca.cert }, (request, response) => {
    void readBody(request).then((text) => {
      const path = request.url ?? '';
      const answer = (status: number, body: unknown) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const reject = (status: number, reason: string) => {
        rejections.push({ path, status, reason });
        answer(status, { error: { code: status, message: reason } });
      };
      if (path === '/token' && request.method === 'POST') {
        if (request.headers['content-type'] !== 'application/x-www-form-urlencoded') return reject(400, 'not a form');
        const problem = grantProblem(new URLSearchParams(text), publicKey);
        if (problem) return reject(400, `invalid_grant: ${problem}`);
        const token = `ya29.${randomBytes(16).toString('hex')}`;
        granted.push(token);
        return answer(200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
      }
      if (path !== `/v1/projects/${serviceAccount.project_id}/messages:send` || request.method !== 'POST') {
        return reject(404, 'no such project or method');
      }
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!bearer || !granted.includes(bearer) || revoked.has(bearer)) {
        // A revoked token is FCM's to refuse, not a mistake of the sender.
        if (bearer && revoked.has(bearer)) return answer(401, { error: { code: 401, status: 'UNAUTHENTICATED' } });
        return reject(401, 'bearer token not granted here');
      }
      let message: any;
      try {
        message = (JSON.parse(text) as { message?: unknown }).message;
      } catch {
        return reject(400, 'body is not JSON');
      }
      const problem = messageProblem(message);
      if (problem) return reject(400, `INVALID_ARGUMENT: ${problem}`);
      if (unregistered.has(message.token)) return answer(404, UNREGISTERED);
      messages.push(message);
      answer(200, { name: `projects/${serviceAccount.project_id}/messages/${messages.length}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const serviceAccount: TestServiceAccount = {
    type: 'service_account',
    project_id: 'chat-test-project',
    client_email: 'push@chat-test-project.iam.gserviceaccount.com',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    token_uri: `${origin}/token`,
  };

  return {
    origin,
    serviceAccount,
    granted,
    messages,
    rejections,
    unregister: (token) => void unregistered.add(token),
    revokeAccessTokens: () => granted.forEach((token) => revoked.add(token)),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
