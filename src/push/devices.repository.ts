import { Injectable } from '@nestjs/common';
import type { Device } from '#src/generated/prisma/client.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { PushPlatform } from './providers/push-provider.js';

export type DeviceRow = Omit<Device, 'platform'> & { platform: PushPlatform };

export interface NewDevice {
  userId: string;
  sessionId: string;
  platform: PushPlatform;
  token: string;
  tokenHash: string;
  p256dh: string | null;
  auth: string | null;
  name: string | null;
}

/** Devices, each of one session of its user: a device of a session that ended receives nothing. */
@Injectable()
export class DevicesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Registers the device for this session: registered again (an app re-registers on every start),
   * it moves to this session and takes the new keys and name. The same device under another user
   * means it changed hands: that registration goes, so the previous user's pushes stop reaching
   * it. Past `maxPerUser`, the user's oldest registrations go. Registrations of one device wait
   * for each other (a transaction-scoped lock on its hash): two users registering it at once
   * would otherwise each miss the other's uncommitted row, and both keep it.
   */
  register(device: NewDevice, maxPerUser: number): Promise<DeviceRow> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${lockKey(device.tokenHash)}::bigint)`;
      await tx.device.deleteMany({ where: { tokenHash: device.tokenHash, userId: { not: device.userId } } });
      const { userId, tokenHash, ...fields } = device;
      const stored = await tx.device.upsert({
        where: { userId_tokenHash: { userId, tokenHash } },
        create: device,
        update: { ...fields, createdAt: new Date() },
      });
      const older = await tx.device.findMany({
        where: { userId },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: maxPerUser,
        select: { id: true },
      });
      if (older.length > 0) await tx.device.deleteMany({ where: { userId, id: { in: older.map((row) => row.id) } } });
      return stored as DeviceRow;
    });
  }

  /** The user's devices on sessions still active, newest first. */
  async list(userId: string): Promise<DeviceRow[]> {
    return (await this.prisma.device.findMany({
      where: { userId, session: { revokedAt: null, expiresAt: { gt: new Date() } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    })) as DeviceRow[];
  }

  /** Removes one of the user's devices (its pending pushes go with it); false when it is not theirs. */
  async remove(userId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.device.deleteMany({ where: { userId, id } });
    return count > 0;
  }

  async removeForSessions(userId: string, sessionIds: string[]): Promise<void> {
    await this.prisma.device.deleteMany({ where: { userId, sessionId: { in: sessionIds } } });
  }

  /** Removes the devices of every session that ended (revoked or expired): those no event removed. */
  removeOfEndedSessions(): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM devices d USING sessions s
      WHERE s.id = d.session_id AND (s.revoked_at IS NOT NULL OR s.expires_at <= now())`;
  }
}

/** A 64-bit advisory lock key from a device's SHA-256 token hash (hex): its first 16 digits, signed. */
const lockKey = (tokenHash: string) => BigInt.asIntN(64, BigInt(`0x${tokenHash.slice(0, 16)}`)).toString();
