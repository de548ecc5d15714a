import createClient from 'openapi-fetch';
import { ApiError, errorOf } from './errors.js';
import type { paths } from './generated/api.js';
import { expiresAt } from './jwt.js';
import type { Tokens, TokenStore } from './token-store.js';

export interface TokenSessionOptions {
  baseUrl: string;
  store: TokenStore;
  fetch: (request: Request) => Promise<Response>;
  /**
   * How long a refresh refused with REFRESH_TOKEN_ALREADY_USED waits for the client that won the race
   * to put the new pair in the shared store (its answer may still be on the way).
   */
  raceWaitMs: number;
}

/**
 * The tokens of one signed-in session and their refresh. At most one refresh is in flight: every
 * caller that needs one meanwhile shares it. Refresh tokens rotate; when another client of the same
 * session (another tab) refreshed first, the service refuses the second use within its grace window
 * with 401 REFRESH_TOKEN_ALREADY_USED without revoking anything, and the winner's pair, found in the
 * shared store, is used instead of signing out.
 */
export class TokenSession {
  private refreshing: Promise<Tokens> | null = null;
  private signedIn: boolean;
  private readonly signedOutListeners = new Set<() => void>();
  private readonly rest;

  constructor(private readonly options: TokenSessionOptions) {
    this.rest = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
    this.signedIn = options.store.get() !== null;
    // Another client of the store signing out ends this one's session too.
    options.store.subscribe((tokens) => {
      if (tokens) this.signedIn = true;
      else if (this.signedIn) {
        this.signedIn = false;
        this.notifySignedOut();
      }
    });
  }

  get tokens(): Tokens | null {
    return this.options.store.get();
  }

  signIn(tokens: Tokens): void {
    this.options.store.set(tokens);
  }

  /** Forgets the tokens; `onSignedOut` listeners are told once. */
  signOut(): void {
    this.options.store.set(null);
  }

  onSignedOut(listener: () => void): () => void {
    this.signedOutListeners.add(listener);
    return () => this.signedOutListeners.delete(listener);
  }

  /** The current tokens, refreshed first when the access token has less than `minValidityMs` left. */
  async fresh(minValidityMs: number): Promise<Tokens> {
    const tokens = this.requireTokens();
    if (expiresAt(tokens.accessToken) - Date.now() > minValidityMs) return tokens;
    return this.renew(tokens.accessToken);
  }

  /**
   * New tokens after `rejected` (an access token) was refused. When the store already holds another
   * access token, someone refreshed meanwhile and that one is used.
   */
  renew(rejected: string): Promise<Tokens> {
    const tokens = this.requireTokens();
    if (tokens.accessToken !== rejected) return Promise.resolve(tokens);
    this.refreshing ??= this.refresh(tokens).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async refresh(tokens: Tokens): Promise<Tokens> {
    // A network failure or an unavailable service is not a refusal: the session may still be good.
    const { data, error, response } = await this.rest.POST('/api/v1/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    if (data) {
      const next = { ...tokens, accessToken: data.accessToken, refreshToken: data.refreshToken };
      this.options.store.set(next);
      return next;
    }
    const refusal = errorOf(response.status, error);
    if (response.status >= 500 || response.status === 429) throw refusal;
    if (refusal.code === 'REFRESH_TOKEN_ALREADY_USED') {
      const newer = await this.newerThan(tokens.refreshToken);
      if (newer) return newer;
    }
    this.signOut();
    throw refusal;
  }

  /** Tokens in the store with another refresh token than `refreshToken`, waiting a moment for them. */
  private newerThan(refreshToken: string): Promise<Tokens | null> {
    const isNewer = (tokens: Tokens | null) => tokens !== null && tokens.refreshToken !== refreshToken;
    const now = this.options.store.get();
    if (isNewer(now)) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), this.options.raceWaitMs);
      const unsubscribe = this.options.store.subscribe((tokens) => {
        if (tokens === null || isNewer(tokens)) finish(tokens);
      });
      function finish(tokens: Tokens | null) {
        clearTimeout(timer);
        unsubscribe();
        resolve(tokens);
      }
    });
  }

  private requireTokens(): Tokens {
    const tokens = this.options.store.get();
    if (!tokens) throw new ApiError({ statusCode: 401, code: 'UNAUTHORIZED', message: 'Signed out' });
    return tokens;
  }

  private notifySignedOut(): void {
    for (const listener of [...this.signedOutListeners]) listener();
  }
}
