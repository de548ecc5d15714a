import { Injectable } from '@nestjs/common';
import webpush from 'web-push';
import { configSlice } from '#src/infra/config/config-slice.js';
import { OutboundHttp, type OutboundResponse } from '#src/infra/outbound/outbound-http.service.js';
import { outcomeOfError, outcomeOfStatus, wrongPlatform } from './push-outcome.js';
import type { PushMessage, PushOutcome, PushProvider, PushTarget } from './push-provider.js';

export class WebPushSettings extends configSlice(
  'WEBPUSH_VAPID_PUBLIC_KEY',
  'WEBPUSH_VAPID_PRIVATE_KEY',
  'WEBPUSH_SUBJECT',
) {}

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291). `web-push` builds
 * and encrypts the request; it is sent through OutboundHttp, not web-push's own client, so the
 * address guard, the deadline and the size caps apply to the endpoint a browser handed us.
 */
@Injectable()
export class WebPushProvider implements PushProvider {
  readonly platform = 'webpush';
  readonly enabled: boolean;
  /** What browsers subscribe with (`applicationServerKey`); null when Web Push is off. */
  readonly vapidPublicKey: string | null;
  private readonly vapidDetails: webpush.VapidKeys & { subject: string };

  constructor(
    settings: WebPushSettings,
    private readonly http: OutboundHttp,
  ) {
    const publicKey = settings.WEBPUSH_VAPID_PUBLIC_KEY;
    const privateKey = settings.WEBPUSH_VAPID_PRIVATE_KEY;
    this.enabled = Boolean(publicKey && privateKey);
    this.vapidPublicKey = this.enabled ? publicKey! : null;
    this.vapidDetails = { publicKey: publicKey ?? '', privateKey: privateKey ?? '', subject: settings.WEBPUSH_SUBJECT };
  }

  async send(target: PushTarget, message: PushMessage): Promise<PushOutcome> {
    if (target.platform !== 'webpush') return wrongPlatform('Web Push');
    let request: webpush.RequestDetails;
    try {
      request = webpush.generateRequestDetails(
        { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
        JSON.stringify(message.payload),
        {
          vapidDetails: this.vapidDetails,
          TTL: message.ttlSeconds,
          topic: message.collapseId,
          urgency: 'high',
          contentEncoding: 'aes128gcm',
        },
      );
    } catch (error) {
      // A subscription whose keys do not decode cannot be encrypted for, now or later.
      return { status: 'rejected', reason: `unusable subscription: ${(error as Error).message}` };
    }
    let response: OutboundResponse;
    try {
      response = await this.http.request({
        url: request.endpoint,
        method: request.method,
        headers: request.headers,
        body: request.body ?? undefined,
      });
    } catch (error) {
      return outcomeOfError(error);
    }
    if (response.status === 404 || response.status === 410) return { status: 'gone' };
    return outcomeOfStatus(response.status, response.headers, response.body.toString('utf8'));
  }
}
