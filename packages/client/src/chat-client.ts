import createClient, { type Client } from 'openapi-fetch';
import { authedFetch } from './authed-fetch.js';
import { errorOf } from './errors.js';
import type { components, paths } from './generated/api.js';
import { Realtime, type RealtimeEvents, type RealtimeOptions } from './realtime.js';
import { SeqTracker } from './seq-tracker.js';
import type {
  ConversationView,
  MessageView,
  PresenceView,
  PublicProfile,
  ReadMarkView,
  SignedIn,
  UploadView,
  UserMe,
} from './server-types.js';
import { MemoryTokenStore, type TokenStore } from './token-store.js';
import { TokenSession } from './token-session.js';

export interface ChatClientOptions {
  /** The service's origin, e.g. `https://chat.example.com` (the web app passes its own). */
  baseUrl: string;
  /** Where tokens are kept; clients sharing one share a session's refreshes. Memory by default. */
  tokenStore?: TokenStore;
  fetch?: (request: Request) => Promise<Response>;
  /** Called when the session ends: signed out here or elsewhere, revoked, or its refresh refused. */
  onSignedOut?: () => void;
  realtime?: Partial<RealtimeOptions>;
  /** See TokenSessionOptions.raceWaitMs. */
  refreshRaceWaitMs?: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface MessagePage {
  items: MessageView[];
  hasMore: boolean;
}

/** Short-lived signed links of an upload, as `GET /uploads/:id/url` answers them. */
export type UploadLinks = components['schemas']['UploadLinks'];

/** The answer's body, or the service's error thrown as an ApiError. */
async function answer<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw errorOf(response.status, error);
  return data as T;
}

const DEFAULT_REALTIME: RealtimeOptions = {
  reconnectDelayMs: 500,
  reconnectDelayMaxMs: 10_000,
  renewBeforeExpiryMs: 60_000,
  minTokenValidityMs: 5_000,
  ackTimeoutMs: 10_000,
};

/**
 * A client of the chat service for one user: typed REST (`api`, generated from the service's OpenAPI
 * document), the socket with its typed events (`on`), and the helpers an app needs. Every message it
 * receives or fetches is tracked by seq, so that after any disconnect `sync` brings exactly what was
 * missed, through the same `message.created` listeners.
 */
export class ChatClient {
  /** Every REST route, typed; requests carry the access token and survive its expiry. */
  readonly api: Client<paths>;
  readonly session: TokenSession;
  readonly realtime: Realtime;
  private readonly seen = new SeqTracker();
  private readonly baseUrl: string;
  private readonly fetch: (request: Request) => Promise<Response>;

  constructor(options: ChatClientOptions) {
    this.baseUrl = options.baseUrl;
    const fetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
    this.fetch = fetch;
    this.session = new TokenSession({
      baseUrl: options.baseUrl,
      store: options.tokenStore ?? new MemoryTokenStore(),
      fetch,
      raceWaitMs: options.refreshRaceWaitMs ?? 5_000,
    });
    this.api = createClient<paths>({ baseUrl: options.baseUrl, fetch: authedFetch(this.session, fetch) });
    this.realtime = new Realtime(options.baseUrl, this.session, this.seen, {
      ...DEFAULT_REALTIME,
      ...options.realtime,
    });
    this.session.onSignedOut(() => {
      this.realtime.close();
      this.seen.clear();
    });
    if (options.onSignedOut) this.session.onSignedOut(options.onSignedOut);
  }

  get signedIn(): boolean {
    return this.session.tokens !== null;
  }

  get userId(): string | null {
    return this.session.tokens?.userId ?? null;
  }

  on<K extends keyof RealtimeEvents>(event: K, listener: RealtimeEvents[K]): () => void {
    return this.realtime.events.on(event, listener);
  }

  /** Opens the socket (it stays open, reconnecting, until sign-out or `disconnect`). */
  connect(): void {
    this.realtime.connect();
  }

  disconnect(): void {
    this.realtime.close();
  }

  async register(input: { email: string; username: string; password: string; displayName?: string }): Promise<UserMe> {
    return this.signIn(await answer(this.api.POST('/api/v1/auth/register', { body: input })));
  }

  async login(login: string, password: string): Promise<UserMe> {
    return this.signIn(await answer(this.api.POST('/api/v1/auth/login', { body: { login, password } })));
  }

  /** Revokes the session on the service (its sockets everywhere) and forgets the tokens. */
  async logout(): Promise<void> {
    this.realtime.close();
    try {
      await answer(this.api.POST('/api/v1/auth/logout'));
    } finally {
      this.session.signOut();
    }
  }

  me(): Promise<UserMe> {
    return answer(this.api.GET('/api/v1/users/me'));
  }

  searchUsers(prefix: string, cursor?: string): Promise<Page<PublicProfile>> {
    return answer(this.api.GET('/api/v1/users', { params: { query: { search: prefix, cursor } } }));
  }

  /** A page of the caller's conversations, most recent activity first. */
  async conversations(cursor?: string): Promise<Page<ConversationView>> {
    const page = await answer(this.api.GET('/api/v1/conversations', { params: { query: { cursor } } }));
    for (const conversation of page.items) this.seen.knownUpTo(conversation.id, conversation.lastSeq);
    return page;
  }

  conversation(id: string): Promise<ConversationView> {
    return answer(this.api.GET('/api/v1/conversations/{id}', { params: { path: { id } } }));
  }

  /** The direct conversation with the user named `username`, created when there is none yet. */
  async openDirect(username: string): Promise<ConversationView> {
    const wanted = username.trim().replace(/^@/, '').toLowerCase();
    const { items } = await this.searchUsers(wanted);
    const user = items.find((candidate) => candidate.username === wanted);
    if (!user) throw errorOf(404, { statusCode: 404, code: 'USER_NOT_FOUND', message: `No user ${wanted}` });
    return answer(this.api.POST('/api/v1/conversations', { body: { type: 'direct', userId: user.id } }));
  }

  /** Accepts a message request (a direct conversation someone opened with the caller). */
  accept(conversationId: string): Promise<ConversationView> {
    return answer(this.api.POST('/api/v1/conversations/{id}/accept', { params: { path: { id: conversationId } } }));
  }

  /** A page of messages in ascending seq: the latest without `before`/`after`. */
  async messages(conversationId: string, range: { before?: number; after?: number } = {}): Promise<MessagePage> {
    const page = await answer(
      this.api.GET('/api/v1/conversations/{id}/messages', {
        params: { path: { id: conversationId }, query: range },
      }),
    );
    const latest = page.items.at(-1);
    if (latest && range.before === undefined) this.seen.knownUpTo(conversationId, latest.seq);
    return page;
  }

  /**
   * Sends a message. A retry after a lost answer reuses the `clientMessageId`, so the service stores
   * it once. The stored message also reaches the `message.created` listeners (once, whichever of
   * this answer and the socket's event comes first).
   */
  async send(
    conversationId: string,
    body: string,
    options: { clientMessageId?: string; attachments?: { uploadId: string }[]; retries?: number } = {},
  ): Promise<MessageView> {
    const clientMessageId = options.clientMessageId ?? crypto.randomUUID();
    const payload = { clientMessageId, body, ...(options.attachments ? { attachments: options.attachments } : {}) };
    for (let attempt = 0; ; attempt++) {
      try {
        const message = await answer(
          this.api.POST('/api/v1/conversations/{id}/messages', {
            params: { path: { id: conversationId } },
            body: payload,
          }),
        );
        this.realtime.deliver(message);
        return message;
      } catch (error) {
        // Only a lost request is retried: an answer, even an error, is final.
        if (!(error instanceof TypeError) || attempt >= (options.retries ?? 2)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 300 * 2 ** attempt));
      }
    }
  }

  /** Typing notices are best effort: nothing is queued while the socket is down. */
  typing(conversationId: string, isTyping: boolean): void {
    if (!this.realtime.connected) return;
    this.realtime.request(isTyping ? 'typing.start' : 'typing.stop', { conversationId }).catch(() => undefined);
  }

  markRead(conversationId: string, seq: number): Promise<ReadMarkView> {
    return answer(
      this.api.POST('/api/v1/conversations/{id}/read', { params: { path: { id: conversationId } }, body: { seq } }),
    );
  }

  async presence(userIds: string[]): Promise<PresenceView[]> {
    if (userIds.length === 0) return [];
    const { items } = await answer(this.api.POST('/api/v1/users/presence', { body: { userIds } }));
    return items;
  }

  /** Declares an upload, sends its bytes where the service says, and completes it. */
  async upload(file: Blob, name: string): Promise<UploadView> {
    const declared = await answer(
      this.api.POST('/api/v1/uploads', { body: { name, mimeType: file.type, size: file.size } }),
    );
    // The local storage driver's links are relative to the service; S3's are absolute.
    const put = await this.fetch(
      new Request(new URL(declared.uploadUrl, this.baseUrl), {
        method: declared.method,
        headers: declared.headers,
        body: file,
      }),
    );
    if (!put.ok) throw errorOf(put.status, await put.json().catch(() => null));
    return answer(this.api.POST('/api/v1/uploads/{id}/complete', { params: { path: { id: declared.id } } }));
  }

  /** Uploads `file` and sends a message carrying it. */
  async sendImage(conversationId: string, file: Blob, name: string, body = name): Promise<MessageView> {
    const upload = await this.upload(file, name);
    return this.send(conversationId, body, { attachments: [{ uploadId: upload.id }] });
  }

  /** Short-lived signed links of an upload (for the uploader and the members who see it). */
  uploadLinks(uploadId: string): Promise<UploadLinks> {
    return answer(this.api.GET('/api/v1/uploads/{id}/url', { params: { path: { id: uploadId } } }));
  }

  private signIn(result: SignedIn): UserMe {
    this.session.signIn({
      accessToken: result.accessToken,
      refreshToken: result.refreshToken,
      sessionId: result.sessionId,
      userId: result.user.id,
    });
    return result.user;
  }
}
