import { io, type Socket } from 'socket.io-client';
import { Emitter } from './emitter.js';
import { ApiError } from './errors.js';
import { expiresAt } from './jwt.js';
import type { SeqTracker } from './seq-tracker.js';
import type {
  AckReply,
  ClientEventName,
  ClientEventResults,
  ClientEvents,
  MessageView,
  ServerEvents,
} from './server-types.js';
import type { TokenSession } from './token-session.js';

export interface RealtimeOptions {
  /** First delay before reconnecting; it doubles up to `reconnectDelayMaxMs`, with jitter. */
  reconnectDelayMs: number;
  reconnectDelayMaxMs: number;
  /**
   * How long before the access token expires the socket is given a new one (`auth`); at most half
   * the time the token has left.
   */
  renewBeforeExpiryMs: number;
  /** A (re)connect refreshes first when the access token has less than this left. */
  minTokenValidityMs: number;
  ackTimeoutMs: number;
}

/** The client's own events beside the server's. */
export interface ConnectionEvents {
  /** The socket is connected (again) and the conversations it tracks are caught up. */
  synced: () => void;
  /** The socket lost its connection; it reconnects by itself. */
  disconnected: (reason: string) => void;
}

export type RealtimeEvents = ServerEvents & ConnectionEvents;

type Payload<E extends ClientEventName> = Parameters<ClientEvents[E]>[0];

/**
 * The socket of a signed-in client. It connects with a fresh access token every time, renews it on
 * the live socket before it expires, reconnects after any disconnect with backoff, and then runs
 * `sync` from the last seq seen of every conversation it tracks, so that missed messages arrive
 * through the same `message.created` listeners, each exactly once.
 */
export class Realtime {
  readonly events = new Emitter<RealtimeEvents>();
  private socket: Socket<ServerEvents, ClientEvents> | null = null;
  private attempts = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly session: TokenSession,
    private readonly seen: SeqTracker,
    private readonly options: RealtimeOptions,
  ) {}

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  connect(): void {
    if (this.socket) return;
    const socket: Socket<ServerEvents, ClientEvents> = io(this.baseUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      // A connection of its own: clients of other users in one process must not share one.
      forceNew: true,
      autoConnect: false,
      reconnectionDelay: this.options.reconnectDelayMs,
      reconnectionDelayMax: this.options.reconnectDelayMaxMs,
      // Asked on every attempt: a reconnect never presents an expired token.
      auth: (send) => {
        this.session.fresh(this.options.minTokenValidityMs).then(
          (tokens) => send({ token: tokens.accessToken }),
          () => send({}),
        );
      },
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.attempts = 0;
      this.scheduleRenewal();
      void this.syncAll().then(() => this.events.emit('synced'));
    });
    socket.on('connect_error', (error) => void this.connectFailed(error));
    socket.on('disconnect', (reason) => {
      clearTimeout(this.renewTimer);
      this.events.emit('disconnected', reason);
      // The server closing the socket (a restart, an expired token) is not retried by Socket.IO itself.
      if (reason === 'io server disconnect') this.reconnectLater();
    });
    socket.on('message.created', (payload) => this.deliver(payload.message));
    socket.on('session.revoked', () => {
      this.close();
      this.session.signOut();
    });
    socket.onAny((event: keyof ServerEvents, ...args: unknown[]) => {
      if (event === 'message.created') return;
      if (event === 'message.deleted') {
        const { conversationId, seq } = args[0] as { conversationId: string; seq: number };
        this.seen.observe(conversationId, seq);
      }
      (this.events.emit as (event: string, ...args: unknown[]) => void)(event, ...args);
    });
    socket.connect();
  }

  close(): void {
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.renewTimer);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  /** Sends a client event and resolves with its ack's `data`, or rejects with its error. */
  async request<E extends ClientEventName>(event: E, payload: Payload<E>): Promise<ClientEventResults[E]> {
    const socket = this.socket;
    if (!socket?.connected) throw new Error('Not connected');
    // Socket.IO's ack typing does not follow a generic event name; the map above is what holds.
    const timed = socket.timeout(this.options.ackTimeoutMs) as unknown as {
      emitWithAck(event: E, payload: Payload<E>): Promise<AckReply<ClientEventResults[E]>>;
    };
    const reply = await timed.emitWithAck(event, payload);
    if (!reply.ok) throw new ApiError(reply.error);
    return reply.data;
  }

  /** Hands `message` to the `message.created` listeners unless it was already delivered. */
  deliver(message: MessageView): void {
    if (this.seen.observe(message.conversationId, message.seq)) {
      this.events.emit('message.created', { conversationId: message.conversationId, message });
    }
  }

  /** Catches up every tracked conversation through `sync`, page by page. */
  async syncAll(): Promise<void> {
    await Promise.all(this.seen.conversationIds().map((id) => this.syncConversation(id).catch(() => undefined)));
  }

  private async syncConversation(conversationId: string): Promise<void> {
    const since = this.seen.since(conversationId) ?? 0;
    let cursor: string | undefined;
    for (;;) {
      const page = await this.request('sync', { conversationId, since, ...(cursor ? { cursor } : {}) });
      for (const message of page.items) {
        // What changed in a message already shown (an edit, a deletion, reactions) is an update.
        if (this.seen.observe(conversationId, message.seq)) {
          this.events.emit('message.created', { conversationId, message });
        } else this.events.emit('message.updated', { conversationId, message });
      }
      if (!page.hasMore || !page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  private async connectFailed(error: Error): Promise<void> {
    // Socket.IO retries transport failures itself; a refusal by the server it leaves to us.
    if (this.socket?.active) return;
    if (error.message === 'UNAUTHORIZED') {
      const rejected = this.session.tokens?.accessToken;
      if (!rejected) return this.close();
      const renewed = await this.session.renew(rejected).catch(() => null);
      if (!renewed) return this.close();
    }
    this.reconnectLater();
  }

  private reconnectLater(): void {
    clearTimeout(this.reconnectTimer);
    const { reconnectDelayMs, reconnectDelayMaxMs } = this.options;
    const delay = Math.min(reconnectDelayMaxMs, reconnectDelayMs * 2 ** this.attempts) * (0.5 + Math.random() / 2);
    this.attempts += 1;
    this.reconnectTimer = setTimeout(() => this.socket?.connect(), delay);
  }

  /** Gives the live socket a new access token of the session before the current one expires. */
  private scheduleRenewal(): void {
    clearTimeout(this.renewTimer);
    const token = this.session.tokens?.accessToken;
    if (!token) return;
    const left = expiresAt(token) - Date.now();
    const wait = Math.max(0, left - Math.min(this.options.renewBeforeExpiryMs, left / 2));
    this.renewTimer = setTimeout(() => void this.renew(token), wait);
  }

  private async renew(current: string): Promise<void> {
    try {
      const tokens = await this.session.renew(current);
      await this.request('auth', { accessToken: tokens.accessToken });
    } catch {
      // Not renewed: the server sends token.expired and closes, and the reconnect brings a fresh token.
    }
    if (this.connected) this.scheduleRenewal();
  }
}
