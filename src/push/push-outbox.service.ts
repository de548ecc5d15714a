import { Injectable } from '@nestjs/common';
import type { Prisma } from '#src/generated/prisma/client.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { PushAudienceRepository } from './push-audience.repository.js';
import { PushDeliveriesRepository, type PlannedPush } from './push-deliveries.repository.js';
import { PushDispatcher } from './push-dispatcher.service.js';
import { collapseIdOf, pushPayload, type PushRequest } from './push-payload.js';

export class PushSettings extends configSlice('PUSH_INCLUDE_PREVIEW') {}

/**
 * How notifications become pushes: planned before the outbox event's transaction (reads only),
 * stored in it (so they are as durable as the notifications), sent after it.
 */
@Injectable()
export class PushOutbox {
  private readonly includePreview: boolean;

  constructor(
    private readonly audience: PushAudienceRepository,
    private readonly deliveries: PushDeliveriesRepository,
    private readonly dispatcher: PushDispatcher,
    settings: PushSettings,
  ) {
    this.includePreview = settings.PUSH_INCLUDE_PREVIEW;
  }

  /**
   * The pushes for these requests: to users with a device on an active session and not in `dnd`,
   * each with their unread total as the badge. The callers decide who is offline and which
   * notifications push at all.
   */
  async plan(requests: PushRequest[]): Promise<PlannedPush[]> {
    const reachable = new Set(await this.audience.withDevices([...new Set(requests.map((r) => r.userId))]));
    if (reachable.size === 0) return [];
    const dnd = await this.audience.doNotDisturb([...reachable]);
    const targets = requests.filter((request) => reachable.has(request.userId) && !dnd.has(request.userId));
    if (targets.length === 0) return [];
    const [badges, names] = await Promise.all([
      this.audience.unreadTotals(targets.map((request) => request.userId)),
      this.audience.names([...new Set(targets.map((request) => request.actorId))]),
    ]);
    return targets.map((request) => ({
      userId: request.userId,
      payload: pushPayload(
        request,
        names.get(request.actorId) ?? '',
        badges.get(request.userId) ?? 0,
        this.includePreview,
      ),
    }));
  }

  /** Stores the planned pushes of outbox event `sourceId` in its transaction. */
  store(tx: Prisma.TransactionClient, sourceId: string, pushes: PlannedPush[]): Promise<void> {
    return this.deliveries.enqueue(tx, sourceId, collapseIdOf(sourceId), pushes);
  }

  /** After the transaction committed: send them now. */
  sendStored(): void {
    this.dispatcher.wake();
  }
}
