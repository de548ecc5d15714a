import type { Server, Socket } from 'socket.io';
import type { ClientEvents } from './client-events.js';
import type { InterServerEvents, ServerEvents, SocketData } from './server-events.js';

export type ChatServer = Server<ClientEvents, ServerEvents, InterServerEvents, SocketData>;
export type ChatSocket = Socket<ClientEvents, ServerEvents, InterServerEvents, SocketData>;

/** Rooms every socket joins: events for a user or one of their sessions are emitted to these. */
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
