import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import {
  hiddenPresence,
  lastSeenForContacts,
  toOwnPresenceView,
  toPresenceView,
  type PresenceView,
} from './presence.presenter.js';
import { PresenceRepository } from './presence.repository.js';
import { PresenceStore } from './presence.store.js';
import { currentStatus } from './status-rule.js';

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class PresenceSettings extends configSlice(
  'PRESENCE_TTL_SECONDS',
  'PRESENCE_HEARTBEAT_SECONDS',
  'SOCKETS_MAX_PER_USER',
) {}

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
  /** Connects and disconnects under way here, per user. */
  private readonly inFlight = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly heartbeatMs: number;
  private readonly maxSockets: number;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: PresenceStore,
    private readonly users: PresenceRepository,
    private readonly events: ChatEvents,
    settings: PresenceSettings,
  ) {
    this.ttlMs = settings.PRESENCE_TTL_SECONDS * 1000;
    this.heartbeatMs = settings.PRESENCE_HEARTBEAT_SECONDS * 1000;
    this.maxSockets = settings.SOCKETS_MAX_PER_USER;
  }

  async onModuleInit(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.heartbeatMs).unref();
  }

  /** Users with a socket on any live instance. */
  async onlineUsers(): Promise<number> {
    return this.store.usersOn(await this.liveIds());
  }

  /** Users with a socket on this instance. */
  get localUsers(): number {
    return this.local.size;
  }

  /** The users with a socket on this instance. */
  localUserIds(): string[] {
    return [...this.local.keys()];
  }

  /**
   * Counts a new socket of the user. False when the user already has SOCKETS_MAX_PER_USER. Without
   * Redis the cap cannot be checked and the socket is let in.
   */
  connect(userId: string): Promise<boolean> {
    return this.changing(userId, async () => {
      let before: number | undefined;
      try {
        before = await this.store.connect(
          userId,
          this.instanceId,
          this.maxSockets,
          this.ttlSeconds(),
          await this.liveIds(),
        );
      } catch (error) {
        this.logger.warn(`presence not recorded in Redis: ${errorMessage(error)}`);
      }
      if (before !== undefined && before < 0) return false;
      // Read and written with no await between: concurrent sockets of one user each count.
      const here = this.local.get(userId) ?? 0;
      this.local.set(userId, here + 1);
      if (here === 0) await this.store.addToInstance(this.instanceId, userId, this.ttlSeconds()).catch(() => undefined);
      if ((before ?? here) === 0) await this.changed(userId, true);
      return true;
    });
  }

  disconnect(userId: string): Promise<void> {
    return this.changing(userId, async () => {
      const here = (this.local.get(userId) ?? 1) - 1;
      if (here > 0) this.local.set(userId, here);
      else this.local.delete(userId);
      let remaining = here;
      try {
        remaining = await this.store.disconnect(userId, this.instanceId, await this.liveIds());
        // Unless a socket of the user was counted here meanwhile.
        if (!this.local.has(userId)) await this.store.removeFromInstance(this.instanceId, userId);
      } catch (error) {
        this.logger.warn(`presence not recorded in Redis: ${errorMessage(error)}`);
      }
      if (remaining === 0) await this.changed(userId, false);
    });
  }

  /**
   * Runs a change of the user's count here. While one is under way the heartbeat does not write
   * the user's count: it would overwrite an increment Redis has applied and this map not yet (or
   * the reverse), and the user would keep a wrong count until the next beat.
   */
  private async changing<T>(userId: string, change: () => Promise<T>): Promise<T> {
    this.inFlight.set(userId, (this.inFlight.get(userId) ?? 0) + 1);
    try {
      return await change();
    } finally {
      const left = (this.inFlight.get(userId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(userId, left);
      else this.inFlight.delete(userId);
    }
  }

  /**
   * Presence of existing users among `userIds` as `viewerId` may see it (unknown ids are left out):
   * the viewer's own status as they chose it, their contacts as contacts see them (an invisible one
   * as offline, no `lastSeenAt` for one who does not show it), the never-seen answer for everyone else.
   */
  async query(viewerId: string, userIds: string[]): Promise<PresenceView[]> {
    const subjects = await this.users.subjectsFor(viewerId, userIds);
    const online = await this.onlineAmong(userIds.filter((id) => subjects.get(id)?.visible));
    const now = new Date();
    return userIds.flatMap((userId) => {
      const subject = subjects.get(userId);
      if (!subject) return [];
      if (!subject.visible) return [hiddenPresence(userId)];
      const status = currentStatus(subject, now);
      if (userId === viewerId) return [toOwnPresenceView(userId, online.has(userId), subject.lastSeenAt, status)];
      const lastSeenAt = lastSeenForContacts(subject.lastSeenAt, subject.showLastSeen);
      return [toPresenceView(userId, online.has(userId), lastSeenAt, status)];
    });
  }

  /** Those of `userIds` with a socket on some live instance. Without Redis: those connected here. */
  async onlineAmong(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    let counts: number[];
    try {
      counts = await this.store.socketCounts(userIds, this.ttlMs);
    } catch {
      counts = userIds.map((id) => this.local.get(id) ?? 0);
    }
    return new Set(userIds.filter((_, i) => counts[i] > 0));
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.store.removeInstance(this.instanceId).catch(() => undefined);
  }

  private ttlSeconds(): number {
    return Math.ceil((this.ttlMs * 2) / 1000);
  }

  /**
   * Live instances, this one included, read at each count: an instance that started a moment ago
   * already has sockets, and a list kept even a second would leave them out of the socket cap and
   * tell contacts a user is offline while one of them is open.
   */
  private async liveIds(): Promise<string[]> {
    const live = await this.store.liveInstances(this.ttlMs);
    return live.includes(this.instanceId) ? live : [...live, this.instanceId];
  }

  /**
   * The counts the heartbeat re-asserts: those of users with no change under way. Redis runs one
   * connection's commands in order, so each of these is what Redis holds once what was sent before
   * has run, and any later change is applied on top of it.
   */
  private settledCounts(): Map<string, number> {
    return new Map([...this.local].filter(([userId]) => !this.inFlight.has(userId)));
  }

  /** Renews this instance and sweeps dead instances. */
  private async beat(): Promise<void> {
    try {
      await this.store.heartbeat(this.instanceId, this.settledCounts(), this.ttlSeconds());
      for (const dead of await this.store.deadInstances(this.ttlMs)) await this.sweep(dead.instanceId, dead.lastBeat);
    } catch (error) {
      this.logger.warn(`presence heartbeat skipped: ${errorMessage(error)}`);
    }
  }

  private async sweep(deadId: string, lastBeat: number): Promise<void> {
    const users = await this.store.claimDead(deadId, this.heartbeatMs);
    if (users === null) return;
    const live = await this.liveIds();
    for (const userId of users) {
      if ((await this.store.dropDeadSockets(userId, deadId, live)) === 0) {
        await this.changed(userId, false, new Date(lastBeat));
      }
    }
    await this.store.removeInstance(deadId);
    this.logger.log(`instance ${deadId} stopped renewing its presence: ${users.length} of its users swept`);
  }

  /**
   * Records the change and tells the user's contacts (no one else), with the status they chose (and
   * the time only if they show it); nothing at all while they are invisible. Without Postgres it is only logged.
   */
  private async changed(userId: string, online: boolean, at = new Date()): Promise<void> {
    try {
      const stored = await this.users.recordSeenUnlessInvisible(userId, at);
      if (!stored) return;
      const contactIds = await this.users.contactsOf(userId);
      this.events.publish('presence.changed', {
        ...toPresenceView(userId, online, lastSeenForContacts(at, stored.showLastSeen), currentStatus(stored)),
        contactIds,
      });
    } catch (error) {
      this.logger.warn(`presence change of ${userId} not recorded: ${errorMessage(error)}`);
    }
  }
}
