import { Injectable } from '@nestjs/common';
import { configSlice } from '#src/infra/config/config-slice.js';
import { OutboundHttp, type OutboundResponse } from '#src/infra/outbound/outbound-http.service.js';
import { FcmAccessTokens } from './fcm-access-token.js';
import { outcomeOfError, outcomeOfStatus, wrongPlatform } from './push-outcome.js';
import type { PushMessage, PushOutcome, PushPayload, PushProvider, PushTarget } from './push-provider.js';

export class FcmSettings extends configSlice('FCM_SERVICE_ACCOUNT_JSON', 'FCM_ENDPOINT') {}

interface FcmErrorBody {
  error?: {
    status?: string;
    message?: string;
    details?: { errorCode?: string; fieldViolations?: { field?: string }[] }[];
  };
}

/** FCM data values must all be strings; null fields are left out. */
function dataOf(payload: PushPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([name, value]) => [name, String(value)]),
  );
}

/** FCM's way of saying the registration token will never work again. */
function tokenGone(body: FcmErrorBody): boolean {
  const details = body.error?.details ?? [];
  if (details.some((detail) => detail.errorCode === 'UNREGISTERED')) return true;
  if (body.error?.status !== 'INVALID_ARGUMENT') return false;
  const namesToken = details.some((detail) => detail.fieldViolations?.some((v) => v.field === 'message.token'));
  return namesToken || /registration token/i.test(body.error?.message ?? '');
}

function parseError(response: OutboundResponse): FcmErrorBody {
  try {
    return JSON.parse(response.body.toString('utf8')) as FcmErrorBody;
  } catch {
    return {};
  }
}

/** Firebase Cloud Messaging, HTTP v1 API, authenticated as the configured service account. */
@Injectable()
export class FcmProvider implements PushProvider {
  readonly platform = 'fcm';
  readonly enabled: boolean;
  private readonly tokens?: FcmAccessTokens;
  private readonly sendUrl: string;

  constructor(
    settings: FcmSettings,
    private readonly http: OutboundHttp,
  ) {
    const account = settings.FCM_SERVICE_ACCOUNT_JSON;
    this.enabled = account !== undefined;
    this.tokens = account && new FcmAccessTokens(account, http);
    this.sendUrl = `${settings.FCM_ENDPOINT}/v1/projects/${encodeURIComponent(account?.project_id ?? '')}/messages:send`;
  }

  async send(target: PushTarget, message: PushMessage): Promise<PushOutcome> {
    if (target.platform !== 'fcm') return wrongPlatform('FCM');
    if (!this.tokens) return { status: 'rejected', reason: 'FCM is not configured' };
    const body = JSON.stringify(this.messageFor(target.token, message));
    try {
      let accessToken = await this.tokens.get();
      let response = await this.post(accessToken, body);
      if (response.status === 401) {
        // Revoked or expired early: one new token, one more try.
        this.tokens.reject(accessToken);
        accessToken = await this.tokens.get();
        response = await this.post(accessToken, body);
        if (response.status === 401) return { status: 'retry', reason: 'FCM refused a fresh access token' };
      }
      if (response.status === 200) return { status: 'delivered' };
      const error = parseError(response);
      if (response.status === 404 || tokenGone(error)) return { status: 'gone' };
      return outcomeOfStatus(response.status, response.headers, error.error?.status ?? '');
    } catch (error) {
      return outcomeOfError(error);
    }
  }

  private post(accessToken: string, body: string): Promise<OutboundResponse> {
    return this.http.request({
      url: this.sendUrl,
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json; charset=utf-8' },
      body,
    });
  }

  private messageFor(token: string, { payload, collapseId, ttlSeconds }: PushMessage) {
    const notification =
      payload.preview === undefined
        ? { title: payload.senderName }
        : { title: payload.senderName, body: payload.preview };
    return {
      message: {
        token,
        data: dataOf(payload),
        notification,
        android: { collapse_key: collapseId, priority: 'high', ttl: `${ttlSeconds}s` },
        apns: { headers: { 'apns-collapse-id': collapseId }, payload: { aps: { badge: payload.badge } } },
        webpush: { headers: { Topic: collapseId } },
      },
    };
  }
}
