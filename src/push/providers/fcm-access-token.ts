import { createPrivateKey, type KeyObject } from 'node:crypto';
import { OutboundHttp } from '#src/infra/outbound/outbound-http.service.js';
import type { FcmServiceAccount } from './fcm-service-account.js';
import { signedJwt } from './signed-jwt.js';

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** The longest a grant assertion may live (RFC 7523 as Google applies it). */
const ASSERTION_SECONDS = 3600;
/** A token this close to its expiry is renewed first, so none expires in flight. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** The token endpoint refused the grant, or answered something that is not a token. */
export class TokenGrantError extends Error {
  override readonly name = 'TokenGrantError';
}

/**
 * OAuth access tokens for FCM from the service account, by the RFC 7523 JWT-bearer grant sent to
 * the account's own `token_uri` (google-auth-library ignores it and always calls Google). One
 * token is shared until shortly before it expires; concurrent sends wait on the same refresh.
 */
export class FcmAccessTokens {
  private readonly key: KeyObject;
  private cached?: { token: string; renewAt: number };
  private refreshing?: Promise<string>;

  constructor(
    private readonly account: FcmServiceAccount,
    private readonly http: OutboundHttp,
  ) {
    this.key = createPrivateKey(account.private_key);
  }

  /** A valid access token; throws an OutboundError or a TokenGrantError when none can be had. */
  get(): Promise<string> {
    if (this.cached && Date.now() < this.cached.renewAt) return Promise.resolve(this.cached.token);
    this.refreshing ??= this.grant().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** FCM refused `token` (401): forget it, unless a newer one already replaced it. */
  reject(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async grant(): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    const assertion = signedJwt(
      { alg: 'RS256' },
      { iss: this.account.client_email, scope: SCOPE, aud: this.account.token_uri, iat, exp: iat + ASSERTION_SECONDS },
      this.key,
    );
    const response = await this.http.request({
      url: this.account.token_uri,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    });
    if (response.status !== 200) throw new TokenGrantError(`token endpoint answered ${response.status}`);
    let answer: { access_token?: unknown; expires_in?: unknown };
    try {
      answer = JSON.parse(response.body.toString('utf8')) as typeof answer;
    } catch {
      throw new TokenGrantError('token endpoint answered no JSON');
    }
    if (typeof answer.access_token !== 'string' || typeof answer.expires_in !== 'number') {
      throw new TokenGrantError('token endpoint answered no access_token and expires_in');
    }
    const lifetimeMs = answer.expires_in * 1000;
    this.cached = {
      token: answer.access_token,
      renewAt: Date.now() + Math.max(lifetimeMs - RENEW_BEFORE_MS, lifetimeMs / 2),
    };
    return answer.access_token;
  }
}
