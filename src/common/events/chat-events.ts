import { EventEmitter } from 'node:events';
import { Injectable, Logger } from '@nestjs/common';

/** Everyone who must hear of a change in a conversation: its members, after the change. */
export interface Audience {
  memberIds: string[];
}

/**
 * What happened, published by the feature that did it once it is stored. Listeners (the socket
 * gateway, notifications) react; publishers never wait for them and never learn of their failures.
 *
 * Each feature declares its own events in its `<feature>.events.ts`, by declaration merging
 * (`declare module '#src/common/events/chat-events.js'`), so this bus depends on no feature.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the features
export interface ChatEventMap {}

export type ChatEventName = keyof ChatEventMap;
type Listener<K extends ChatEventName> = (payload: ChatEventMap[K]) => void | Promise<void>;

/** The in-process bus of `ChatEventMap`, typed end to end. */
@Injectable()
export class ChatEvents {
  private readonly logger = new Logger(ChatEvents.name);
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per consumer and event; many consumers are fine.
    this.emitter.setMaxListeners(50);
  }

  publish<K extends ChatEventName>(name: K, payload: ChatEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  /** A listener's failure is logged; it never reaches the publisher or the other listeners. */
  on<K extends ChatEventName>(name: K, listener: Listener<K>): void {
    this.emitter.on(name, (payload: ChatEventMap[K]) => {
      try {
        void Promise.resolve(listener(payload)).catch((error: unknown) => this.failed(name, error));
      } catch (error) {
        this.failed(name, error);
      }
    });
  }

  private failed(name: string, error: unknown): void {
    this.logger.error({ err: error }, `a listener of ${name} failed`);
  }
}
