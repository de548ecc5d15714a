import { Module } from '@nestjs/common';
import { OutboundModule } from '#src/infra/outbound/outbound.module.js';
import { ApnsProvider, ApnsSettings } from './apns.provider.js';
import { FcmProvider, FcmSettings } from './fcm.provider.js';
import { PushMetrics } from './push.metrics.js';
import { PushProviders } from './push-providers.service.js';
import { WebPushProvider, WebPushSettings } from './web-push.provider.js';

/** The Web Push public key browsers subscribe with (`string | null`), for `GET /api/v1/push/vapid-public-key`. */
export const VAPID_PUBLIC_KEY = Symbol('VapidPublicKey');

@Module({
  imports: [OutboundModule],
  providers: [
    WebPushSettings,
    WebPushProvider,
    FcmSettings,
    FcmProvider,
    ApnsSettings,
    ApnsProvider,
    PushMetrics,
    PushProviders,
    {
      provide: VAPID_PUBLIC_KEY,
      useFactory: (webPush: WebPushProvider) => webPush.vapidPublicKey,
      inject: [WebPushProvider],
    },
  ],
  exports: [PushProviders, VAPID_PUBLIC_KEY],
})
export class PushProvidersModule {}
