import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { invalidField, unauthorized } from '#src/common/errors/common.errors.js';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import type { PresenceStatusDto } from './dto/presence-status.dto.js';
import { lastSeenForContacts, toOwnPresenceView, toPresenceView, type PresenceView } from './presence.presenter.js';
import { PresenceRepository } from './presence.repository.js';
import { PresenceService } from './presence.service.js';
import { PresenceStatusRepository, type StatusChoice } from './presence-status.repository.js';
import { AVAILABLE, currentStatus, type CurrentStatus, type UserStatus } from './status-rule.js';

export class PresenceStatusSettings extends configSlice('PRESENCE_HEARTBEAT_SECONDS') {}

/** The longest delay a Node timer takes (about 24.8 days); a later expiry is the sweep's. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Postgres's clock may trail this one a little: a timer sweeps just after the expiry. */
const CLOCK_SLACK_MS = 50;

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
const same = (a: CurrentStatus, b: CurrentStatus) => a.status === b.status && a.statusText === b.statusText;

/**
 * The status users choose, stored in Postgres so every instance and every new connection sees it.
 * A connected user's change reaches their contacts as a `presence` event; an invisible user looks
 * exactly offline. Expiries happen without a request: the instance that stored one sets a timer, and
 * every instance sweeps due ones on each presence heartbeat, so a crash loses none.
 */
@Injectable()
export class PresenceStatusService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PresenceStatusService.name);
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  private readonly sweepMs: number;
  private sweepTimer?: NodeJS.Timeout;

  constructor(
    private readonly statuses: PresenceStatusRepository,
    private readonly users: PresenceRepository,
    private readonly presence: PresenceService,
    private readonly events: ChatEvents,
    settings: PresenceStatusSettings,
  ) {
    this.sweepMs = settings.PRESENCE_HEARTBEAT_SECONDS * 1000;
  }

  onModuleInit(): void {
    this.sweepTimer = setInterval(() => void this.expireDue(), this.sweepMs).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  /** Replaces the caller's status; answers their own presence. */
  async set(userId: string, change: PresenceStatusDto): Promise<PresenceView> {
    const choice: StatusChoice = {
      status: change.status,
      statusText: change.statusText || null,
      statusExpiresAt: this.expiryOf(change.expiresAt),
    };
    const replaced = await this.statuses.replaceStatus(userId, choice);
    if (!replaced) throw unauthorized('The account no longer exists');
    this.scheduleExpiry(userId, choice.statusExpiresAt);
    const connected = (await this.presence.onlineAmong([userId])).has(userId);
    const lastSeenAt = connected
      ? await this.announce(userId, currentStatus(replaced.before), choice, replaced)
      : replaced.lastSeenAt;
    return toOwnPresenceView(userId, connected, lastSeenAt, choice);
  }

  /** Clears the statuses that expired (those this instance wins) and tells the contacts of connected users. */
  async expireDue(): Promise<void> {
    try {
      const expired = await this.statuses.expireDue();
      if (expired.length === 0) return;
      const connected = await this.presence.onlineAmong(expired.map((row) => row.userId));
      for (const { userId, status, statusText, ...seen } of expired) {
        if (!connected.has(userId)) continue;
        await this.announce(userId, { status: status as UserStatus, statusText }, AVAILABLE, seen);
      }
    } catch (error) {
      this.logger.warn(`status expiry sweep skipped: ${errorMessage(error)}`);
    }
  }

  /** `expiresAt` as a time, which must be in the future. */
  private expiryOf(expiresAt: string | null | undefined): Date | null {
    if (expiresAt === undefined || expiresAt === null) return null;
    const at = new Date(expiresAt);
    if (Number.isNaN(at.getTime())) throw invalidField('expiresAt', 'expiresAt must be an ISO-8601 date-time');
    if (at.getTime() <= Date.now()) throw invalidField('expiresAt', 'expiresAt must be in the future');
    return at;
  }

  private scheduleExpiry(userId: string, at: Date | null): void {
    clearTimeout(this.expiryTimers.get(userId));
    this.expiryTimers.delete(userId);
    if (!at) return;
    const delay = Math.min(at.getTime() - Date.now() + CLOCK_SLACK_MS, MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.expiryTimers.delete(userId);
      void this.expireDue();
    }, delay).unref();
    this.expiryTimers.set(userId, timer);
  }

  /**
   * Tells a connected user's contacts what changed; answers the `lastSeenAt` now recorded. Becoming
   * invisible looks exactly like the last socket closing, and becoming visible again like the first
   * one opening: both record the moment. While invisible nothing is told and nothing recorded.
   * Contacts get the time only if the user shows it (`showLastSeen`).
   */
  private async announce(
    userId: string,
    before: CurrentStatus,
    after: CurrentStatus,
    { lastSeenAt, showLastSeen }: { lastSeenAt: Date | null; showLastSeen: boolean },
  ): Promise<Date | null> {
    const wasInvisible = before.status === 'invisible';
    const isInvisible = after.status === 'invisible';
    const crossing = wasInvisible !== isInvisible;
    if ((wasInvisible && isInvisible) || (!crossing && same(before, after))) return lastSeenAt;
    let seen = lastSeenAt;
    if (crossing) {
      seen = new Date();
      await this.users.touchLastSeen(userId, seen);
    }
    const contactIds = await this.users.contactsOf(userId);
    this.events.publish('presence.changed', {
      ...toPresenceView(userId, true, lastSeenForContacts(seen, showLastSeen), after),
      contactIds,
    });
    return seen;
  }
}
