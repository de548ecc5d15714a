import { Injectable } from '@nestjs/common';
import type { Prisma } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { PushPayload, PushPlatform } from './providers/push-provider.js';

/** A push planned for one user: it goes to each of their devices. */
export interface PlannedPush {
  userId: string;
  payload: PushPayload;
}

/** A claimed delivery, with the device it goes to. */
export interface ClaimedDelivery {
  userId: string;
  id: string;
  deviceId: string;
  collapseId: string;
  payload: PushPayload;
  createdAt: Date;
  attempts: number;
  platform: PushPlatform;
  token: string;
  p256dh: string | null;
  auth: string | null;
  /** False once the device's session ended (logout, revocation, expiry). */
  sessionActive: boolean;
}

/**
 * Push deliveries: one row per event and device, claimed like outbox events (a lease, `FOR UPDATE
 * SKIP LOCKED`, finished only under the attempt it was claimed with).
 */
@Injectable()
export class PushDeliveriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One delivery per device of each user, on sessions still active, in `db` (the outbox event's
   * transaction). Devices are read here, not when planning: one removed meanwhile gets nothing.
   */
  async enqueue(
    db: Prisma.TransactionClient,
    sourceId: string,
    collapseId: string,
    pushes: PlannedPush[],
  ): Promise<void> {
    if (pushes.length === 0) return;
    const rows = JSON.stringify(pushes.map(({ userId, payload }) => ({ user_id: userId, payload })));
    await db.$executeRaw`
      INSERT INTO push_deliveries (user_id, id, device_id, source_id, collapse_id, payload)
      SELECT d.user_id, gen_random_uuid(), d.id, ${sourceId}::uuid, ${collapseId}, p.payload
      FROM jsonb_to_recordset(${rows}::jsonb) AS p(user_id uuid, payload jsonb)
      JOIN devices d ON d.user_id = p.user_id
      JOIN sessions s ON s.id = d.session_id AND s.revoked_at IS NULL AND s.expires_at > now()
      ON CONFLICT (user_id, source_id, device_id) DO NOTHING`;
  }

  claim(limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    return this.prisma.$queryRaw<ClaimedDelivery[]>`
      WITH claimed AS (
        UPDATE push_deliveries p
        SET available_at = now() + make_interval(secs => ${leaseSeconds}::int), attempts = p.attempts + 1
        FROM (
          SELECT user_id, id FROM push_deliveries
          WHERE available_at <= now() ORDER BY available_at LIMIT ${limit}::int
          FOR UPDATE SKIP LOCKED
        ) due
        WHERE p.user_id = due.user_id AND p.id = due.id
        RETURNING p.*
      )
      SELECT c.user_id AS "userId", c.id, c.device_id AS "deviceId", c.collapse_id AS "collapseId", c.payload,
             c.created_at AS "createdAt", c.attempts, d.platform, d.token, d.p256dh, d.auth,
             (s.revoked_at IS NULL AND s.expires_at > now()) AS "sessionActive"
      FROM claimed c
      JOIN devices d ON d.user_id = c.user_id AND d.id = c.device_id
      JOIN sessions s ON s.id = d.session_id`;
  }

  /** Done (delivered or given up): deleted, if this claim still holds it. */
  async finish(delivery: ClaimedDelivery): Promise<void> {
    await this.prisma.$executeRaw`
      DELETE FROM push_deliveries
      WHERE user_id = ${delivery.userId}::uuid AND id = ${delivery.id}::uuid AND attempts = ${delivery.attempts}::int`;
  }

  async retryLater(delivery: ClaimedDelivery, delayMs: number, error: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE push_deliveries
      SET available_at = now() + make_interval(secs => ${delayMs / 1000}::float8), last_error = ${error.slice(0, 500)}
      WHERE user_id = ${delivery.userId}::uuid AND id = ${delivery.id}::uuid AND attempts = ${delivery.attempts}::int`;
  }

  /** Seconds since the oldest delivery still waiting was planned; 0 when none is. */
  async oldestAgeSeconds(): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ age: number }[]>`
      SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age FROM push_deliveries`;
    return row?.age ?? 0;
  }
}
