/** The pair a session is used with. A refresh replaces both. */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  userId: string;
}

/**
 * Where a client keeps its tokens. Clients (or browser tabs) of one session that share a store see
 * each other's refreshes: that is how a refresh lost to another one's race is recovered.
 */
export interface TokenStore {
  get(): Tokens | null;
  set(tokens: Tokens | null): void;
  /** Calls `listener` whenever the tokens change, here or in another client of the store. */
  subscribe(listener: (tokens: Tokens | null) => void): () => void;
}

/** A store in memory: the default, shared by the clients given the same instance. */
export class MemoryTokenStore implements TokenStore {
  private tokens: Tokens | null;
  private readonly listeners = new Set<(tokens: Tokens | null) => void>();

  constructor(initial: Tokens | null = null) {
    this.tokens = initial;
  }

  get(): Tokens | null {
    return this.tokens;
  }

  set(tokens: Tokens | null): void {
    this.tokens = tokens;
    for (const listener of [...this.listeners]) listener(tokens);
  }

  subscribe(listener: (tokens: Tokens | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** What a browser provides: `localStorage` and the `storage` event other tabs' writes raise. */
export interface BrowserStorage {
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  addEventListener(type: 'storage', listener: (event: { key: string | null }) => void): void;
  removeEventListener(type: 'storage', listener: (event: { key: string | null }) => void): void;
}

/** A store in `localStorage`: every tab of the origin shares one session, and a reload keeps it. */
export class LocalStorageTokenStore implements TokenStore {
  private readonly listeners = new Set<(tokens: Tokens | null) => void>();

  constructor(
    private readonly browser: BrowserStorage,
    private readonly key = 'chat.tokens',
  ) {}

  get(): Tokens | null {
    const stored = this.browser.storage.getItem(this.key);
    if (!stored) return null;
    try {
      return JSON.parse(stored) as Tokens;
    } catch {
      return null;
    }
  }

  set(tokens: Tokens | null): void {
    if (tokens) this.browser.storage.setItem(this.key, JSON.stringify(tokens));
    else this.browser.storage.removeItem(this.key);
    this.notify();
  }

  subscribe(listener: (tokens: Tokens | null) => void): () => void {
    // The `storage` event fires in the other tabs only; this tab's writes notify in set().
    const onStorage = (event: { key: string | null }) => {
      if (event.key === this.key || event.key === null) listener(this.get());
    };
    this.listeners.add(listener);
    this.browser.addEventListener('storage', onStorage);
    return () => {
      this.listeners.delete(listener);
      this.browser.removeEventListener('storage', onStorage);
    };
  }

  private notify(): void {
    const tokens = this.get();
    for (const listener of [...this.listeners]) listener(tokens);
  }
}
