import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ChatEvents } from '#src/common/events/chat-events.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { PresenceRepository } from './presence.repository.js';
import { PresenceStore } from './presence.store.js';

export interface PresenceView {
  userId: string;
  online: boolean;
  lastSeenAt: string | null;
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Who is online: a user is while they have a socket on any live instance. Every instance renews a
 * heartbeat; when one dies without shutting down, another one notices its heartbeat is older than
 * PRESENCE_TTL_SECONDS, sets its users offline and tells their contacts.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PresenceService.name);
  readonly instanceId: string = randomUUID();
  /** Sockets per user on this instance. */
  private readonly local = new Map<string, number>();
  /** Live instances as of the last heartbeat (this one always included). */
  private live: string[] = [this.instanceId];
  private readonly ttlMs: number;
  private readonly heartbeatMs: number;
  private readonly maxSockets: number;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: PresenceStore,
    private readonly users: PresenceRepository,
    private readonly events: ChatEvents,
    config: ConfigService<AppConfig, true>,
  ) {
    this.ttlMs = config.get('PRESENCE_TTL_SECONDS', { infer: true }) * 1000;
    this.heartbeatMs = config.get('PRESENCE_HEARTBEAT_SECONDS', { infer: true }) * 1000;
    this.maxSockets = config.get('SOCKETS_MAX_PER_USER', { infer: true });
  }

  async onModuleInit(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.heartbeatMs).unref();
  }

  /** Users with a socket on this instance. */
  get localUsers(): number {
    return this.local.size;
  }

  /**
   * Counts a new socket of the user. False when the user already has SOCKETS_MAX_PER_USER. Without
   * Redis the cap cannot be checked and the socket is let in.
   */
  async connect(userId: string): Promise<boolean> {
    const here = this.local.get(userId) ?? 0;
    let before = here;
    try {
      before = await this.store.connect(userId, this.instanceId, this.maxSockets, this.ttlSeconds(), this.liveIds());
      if (before < 0) return false;
      if (here === 0) await this.store.addToInstance(this.instanceId, userId, this.ttlSeconds());
    } catch (error) {
      this.logger.warn(`presence not recorded in Redis: ${errorMessage(error)}`);
    }
    this.local.set(userId, here + 1);
    if (before === 0) await this.changed(userId, true);
    return true;
  }

  async disconnect(userId: string): Promise<void> {
    const here = (this.local.get(userId) ?? 1) - 1;
    if (here > 0) this.local.set(userId, here);
    else this.local.delete(userId);
    let remaining = here;
    try {
      remaining = await this.store.disconnect(userId, this.instanceId, this.liveIds());
      if (here === 0) await this.store.removeFromInstance(this.instanceId, userId);
    } catch (error) {
      this.logger.warn(`presence not recorded in Redis: ${errorMessage(error)}`);
    }
    if (remaining === 0) await this.changed(userId, false);
  }

  /** Presence of existing users among `userIds` (unknown ids are left out). */
  async query(userIds: string[]): Promise<PresenceView[]> {
    const lastSeen = await this.users.lastSeen(userIds);
    const known = userIds.filter((id) => lastSeen.has(id));
    let counts: number[];
    try {
      counts = await this.store.socketCounts(known, await this.store.liveInstances(this.ttlMs));
    } catch {
      // Without Redis, only this instance's sockets are known.
      counts = known.map((id) => this.local.get(id) ?? 0);
    }
    return known.map((userId, i) => ({
      userId,
      online: counts[i] > 0,
      lastSeenAt: lastSeen.get(userId)?.toISOString() ?? null,
    }));
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.store.removeInstance(this.instanceId).catch(() => undefined);
  }

  private ttlSeconds(): number {
    return Math.ceil((this.ttlMs * 2) / 1000);
  }

  private liveIds(): string[] {
    return this.live.includes(this.instanceId) ? this.live : [...this.live, this.instanceId];
  }

  /** Renews this instance, refreshes the live list, and sweeps dead instances. */
  private async beat(): Promise<void> {
    try {
      await this.store.heartbeat(this.instanceId, this.local, this.ttlSeconds());
      this.live = await this.store.liveInstances(this.ttlMs);
      for (const dead of await this.store.deadInstances(this.ttlMs)) await this.sweep(dead.instanceId, dead.lastBeat);
    } catch (error) {
      this.logger.warn(`presence heartbeat skipped: ${errorMessage(error)}`);
    }
  }

  private async sweep(deadId: string, lastBeat: number): Promise<void> {
    const users = await this.store.claimDead(deadId, this.heartbeatMs);
    if (users === null) return;
    const live = this.liveIds();
    for (const userId of users) {
      if ((await this.store.dropDeadSockets(userId, deadId, live)) === 0) {
        await this.changed(userId, false, new Date(lastBeat));
      }
    }
    await this.store.removeInstance(deadId);
    this.logger.log(`instance ${deadId} stopped renewing its presence: ${users.length} of its users swept`);
  }

  /** Records the change and tells the user's contacts; without Postgres it is only logged. */
  private async changed(userId: string, online: boolean, at = new Date()): Promise<void> {
    try {
      await this.users.touchLastSeen(userId, at);
      const contactIds = await this.users.contactsOf(userId);
      this.events.publish('presence.changed', { userId, online, lastSeenAt: at.toISOString(), contactIds });
    } catch (error) {
      this.logger.warn(`presence change of ${userId} not recorded: ${errorMessage(error)}`);
    }
  }
}
