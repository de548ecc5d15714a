import { io, type Socket } from 'socket.io-client';
import type { ClientEvents } from '#src/realtime/client-events.js';
import type { AckReply, ServerEvents } from '#src/realtime/server-events.js';

export type ClientSocket = Socket<ServerEvents, ClientEvents>;

/** A connected client, as apps connect: WebSocket transport, token in `auth`, no automatic reconnection. */
export function connectSocket(baseUrl: string, token: string | undefined): Promise<ClientSocket> {
  return connectWithAuth(baseUrl, token === undefined ? {} : { token });
}

/** A connected client whose handshake carries `auth` as given (a bot's `{ apiKey }`, odd values). */
export function connectWithAuth(baseUrl: string, auth: Record<string, unknown>): Promise<ClientSocket> {
  const socket: ClientSocket = io(baseUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    auth,
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** The `connect_error` message of a refused handshake. */
export async function refusedWith(baseUrl: string, token: string | undefined): Promise<string> {
  try {
    const socket = await connectSocket(baseUrl, token);
    socket.close();
    return 'connected';
  } catch (error) {
    return (error as Error).message;
  }
}

/** Emits a client event and resolves with its ack. */
export function request<E extends keyof ClientEvents>(
  socket: ClientSocket,
  event: E,
  payload: unknown,
  timeoutMs = 5000,
): Promise<AckReply<any>> {
  return (socket.timeout(timeoutMs) as any).emitWithAck(event, payload);
}

/** Collects every event of one name a socket receives, for assertions that wait. */
export function collect<E extends keyof ServerEvents>(socket: ClientSocket, event: E) {
  const received: Parameters<ServerEvents[E]>[0][] = [];
  socket.on(event as any, (payload: any) => received.push(payload));
  return {
    received,
    /** Resolves once `predicate` holds for what was received, or rejects after `timeoutMs`. */
    async until(predicate: (items: typeof received) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`${event}: condition not met; received ${JSON.stringify(received)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received;
    },
  };
}

/**
 * The sockets a test file opens, each closed after its test: `connect` opens one for a user on an
 * app, `track` adds one opened some other way.
 */
export function socketsClosedAfterEach() {
  const open: ClientSocket[] = [];
  afterEach(() => open.splice(0).forEach((socket) => socket.close()));
  const track = (socket: ClientSocket) => {
    open.push(socket);
    return socket;
  };
  const connect = async (app: { baseUrl: string }, who: { accessToken: string }) =>
    track(await connectSocket(app.baseUrl, who.accessToken));
  return { connect, track };
}
