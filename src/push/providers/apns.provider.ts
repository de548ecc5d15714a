import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { configSlice } from '#src/infra/config/config-slice.js';
import { OutboundSettings } from '#src/infra/outbound/outbound-http.service.js';
import { ApnsConnection, type ApnsResponse } from './apns-connection.js';
import { ApnsProviderToken } from './apns-provider-token.js';
import { outcomeOfError, outcomeOfStatus, wrongPlatform } from './push-outcome.js';
import type { PushMessage, PushOutcome, PushProvider, PushTarget } from './push-provider.js';

export class ApnsSettings extends configSlice(
  'APNS_KEY_P8',
  'APNS_KEY_ID',
  'APNS_TEAM_ID',
  'APNS_TOPIC',
  'APNS_ENDPOINT',
) {}

/** A device token is hex; checked so that nothing else can land in the request path. */
const DEVICE_TOKEN = /^[0-9a-fA-F]{16,200}$/;

const reasonOf = (response: ApnsResponse): string => {
  try {
    const { reason } = JSON.parse(response.body) as { reason?: unknown };
    return typeof reason === 'string' ? reason : '';
  } catch {
    return '';
  }
};

/** Apple Push Notification service over HTTP/2 with token (ES256 .p8 key) authentication. */
@Injectable()
export class ApnsProvider implements PushProvider, OnModuleDestroy {
  readonly platform = 'apns';
  readonly enabled: boolean;
  private readonly token?: ApnsProviderToken;
  private readonly connection: ApnsConnection;
  private readonly topic: string;

  constructor(settings: ApnsSettings, outbound: OutboundSettings) {
    const { APNS_KEY_P8: key, APNS_KEY_ID: keyId, APNS_TEAM_ID: teamId, APNS_TOPIC: topic } = settings;
    this.enabled = Boolean(key && keyId && teamId && topic);
    this.token = this.enabled ? new ApnsProviderToken(key!, keyId!, teamId!) : undefined;
    this.topic = topic ?? '';
    this.connection = new ApnsConnection(settings.APNS_ENDPOINT, outbound.OUTBOUND_ALLOW_PRIVATE_ADDRESSES);
  }

  onModuleDestroy(): void {
    this.connection.close();
  }

  async send(target: PushTarget, message: PushMessage): Promise<PushOutcome> {
    if (target.platform !== 'apns') return wrongPlatform('APNs');
    if (!this.token) return { status: 'rejected', reason: 'APNs is not configured' };
    if (!DEVICE_TOKEN.test(target.token)) return { status: 'gone' };
    const body = JSON.stringify(this.notificationOf(message));
    try {
      let providerToken = this.token.get();
      let response = await this.post(target.token, providerToken, message, body);
      if (response.status === 403 && reasonOf(response) === 'ExpiredProviderToken') {
        this.token.expired(providerToken);
        providerToken = this.token.get();
        response = await this.post(target.token, providerToken, message, body);
      }
      const reason = reasonOf(response);
      if (response.status === 200) return { status: 'delivered' };
      if (response.status === 410 || (response.status === 400 && ['BadDeviceToken', 'Unregistered'].includes(reason))) {
        return { status: 'gone' };
      }
      return outcomeOfStatus(response.status, response.headers, reason);
    } catch (error) {
      return outcomeOfError(error);
    }
  }

  private post(deviceToken: string, providerToken: string, message: PushMessage, body: string): Promise<ApnsResponse> {
    return this.connection.request(
      {
        ':method': 'POST',
        ':path': `/3/device/${deviceToken}`,
        authorization: `bearer ${providerToken}`,
        'apns-topic': this.topic,
        'apns-push-type': 'alert',
        'apns-priority': '10',
        'apns-collapse-id': message.collapseId,
        'apns-expiration': String(Math.floor(Date.now() / 1000) + message.ttlSeconds),
        'content-type': 'application/json',
      },
      body,
    );
  }

  private notificationOf({ payload }: PushMessage) {
    const alert =
      payload.preview === undefined
        ? { title: payload.senderName }
        : { title: payload.senderName, body: payload.preview };
    return { aps: { alert, badge: payload.badge, sound: 'default', 'thread-id': payload.conversationId }, ...payload };
  }
}
