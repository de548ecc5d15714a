import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { AuthContext } from '#src/common/auth/auth-context.js';
import { invalidField } from '#src/common/errors/common.errors.js';
import { ChatEvents } from '#src/common/events/chat-events.js';
import { assertAllowedHost } from '#src/infra/outbound/outbound-address.guard.js';
import { OutboundError } from '#src/infra/outbound/outbound.error.js';
import { OutboundSettings } from '#src/infra/outbound/outbound-http.service.js';
import { toDeviceView, type DeviceView } from './device.presenter.js';
import { DevicesRepository, type NewDevice } from './devices.repository.js';
import type { DeviceRegisterDto } from './dto/device-register.dto.js';
import { deviceNotFound } from './push.errors.js';
import { PushProviders } from './providers/push-providers.service.js';

/** Registrations per user; one more replaces the oldest (a user who reinstalls keeps receiving). */
export const DEVICES_MAX_PER_USER = 20;
/** How often each instance removes the devices of sessions that ended without an event here (expiry, a crash). */
const SWEEP_EVERY_MS = 60 * 60_000;

const base64urlBytes = (text: string) => Buffer.from(text, 'base64url').length;

/** A user's devices: registered by a session, gone with it. */
@Injectable()
export class DevicesService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DevicesService.name);
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly devices: DevicesRepository,
    private readonly providers: PushProviders,
    private readonly events: ChatEvents,
    private readonly outbound: OutboundSettings,
  ) {}

  onModuleInit(): void {
    // Logout and revocation: the session's devices go at once. Pushes are planned only for devices
    // of active sessions, so one this misses (a crash) receives nothing until the sweep removes it.
    this.events.on('session.revoked', ({ userId, sessionIds }) => this.devices.removeForSessions(userId, sessionIds));
    this.sweep = setInterval(() => {
      this.devices.removeOfEndedSessions().catch((error: unknown) => {
        this.logger.warn({ err: error }, 'devices of ended sessions not removed; the next sweep will');
      });
    }, SWEEP_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }

  async register(caller: AuthContext, dto: DeviceRegisterDto): Promise<DeviceView> {
    if (!this.providers.for(dto.platform)) {
      throw invalidField('platform', `${dto.platform} push is not configured on this server`);
    }
    // A field of the other kind of registration would be ignored: refused, like any unknown field.
    if (dto.platform !== 'webpush' && dto.subscription !== undefined) {
      throw invalidField('subscription', 'subscription is for webpush only');
    }
    if (dto.platform === 'webpush' && dto.token !== undefined) {
      throw invalidField('token', 'token is for fcm and apns only');
    }
    if (dto.subscription) this.assertReachable(dto.subscription.endpoint);
    const device = await this.devices.register(newDevice(caller, dto), DEVICES_MAX_PER_USER);
    return toDeviceView(device);
  }

  /**
   * A Web Push endpoint is a URL the client chose, which this server will call: one at a private
   * or loopback address literal is refused now. Host names are checked when each push resolves
   * them (see the outbound guard), since what they resolve to can change.
   */
  private assertReachable(endpoint: string): void {
    try {
      assertAllowedHost(new URL(endpoint).hostname, this.outbound.OUTBOUND_ALLOW_PRIVATE_ADDRESSES);
    } catch (error) {
      if (error instanceof OutboundError) throw invalidField('subscription.endpoint', error.message);
      throw error;
    }
  }

  async list(userId: string): Promise<{ items: DeviceView[] }> {
    return { items: (await this.devices.list(userId)).map(toDeviceView) };
  }

  async remove(userId: string, id: string): Promise<void> {
    if (!(await this.devices.remove(userId, id))) throw deviceNotFound();
  }
}

/** The row for a registration, after the checks a DTO cannot express. */
function newDevice(caller: AuthContext, dto: DeviceRegisterDto): NewDevice {
  const common = { userId: caller.userId, sessionId: caller.sessionId, platform: dto.platform, name: dto.name ?? null };
  if (dto.platform === 'webpush') {
    const { endpoint, keys } = dto.subscription!;
    const p256dh = Buffer.from(keys.p256dh, 'base64url');
    if (p256dh.length !== 65 || p256dh[0] !== 0x04) {
      throw invalidField('subscription.keys.p256dh', 'p256dh must be an uncompressed P-256 public key (65 bytes)');
    }
    if (base64urlBytes(keys.auth) !== 16) throw invalidField('subscription.keys.auth', 'auth must be 16 bytes');
    return {
      ...common,
      token: endpoint,
      tokenHash: tokenHash('webpush', endpoint),
      p256dh: keys.p256dh,
      auth: keys.auth,
    };
  }
  const token = dto.token!;
  if (dto.platform === 'apns' && !/^(?:[0-9a-fA-F]{2}){32,100}$/.test(token)) {
    throw invalidField('token', 'an APNs device token is 64 to 200 hexadecimal digits');
  }
  const normalized = dto.platform === 'apns' ? token.toLowerCase() : token;
  return { ...common, token: normalized, tokenHash: tokenHash(dto.platform, normalized), p256dh: null, auth: null };
}

const tokenHash = (platform: string, token: string) =>
  createHash('sha256').update(`${platform}:${token}`).digest('hex');
