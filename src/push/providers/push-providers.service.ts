import { Injectable } from '@nestjs/common';
import { ApnsProvider } from './apns.provider.js';
import { FcmProvider } from './fcm.provider.js';
import type { PushMessage, PushOutcome, PushPlatform, PushProvider, PushTarget } from './push-provider.js';
import { PushMetrics } from './push.metrics.js';
import { WebPushProvider } from './web-push.provider.js';

/** The enabled providers by platform, each send timed and counted, and none able to throw. */
@Injectable()
export class PushProviders {
  private readonly byPlatform: Map<PushPlatform, PushProvider>;

  constructor(webPush: WebPushProvider, fcm: FcmProvider, apns: ApnsProvider, metrics: PushMetrics) {
    const metered = (provider: PushProvider): PushProvider => ({
      platform: provider.platform,
      enabled: true,
      async send(target: PushTarget, message: PushMessage): Promise<PushOutcome> {
        const done = metrics.started(provider.platform);
        let outcome: PushOutcome;
        try {
          outcome = await provider.send(target, message);
        } catch (error) {
          // Providers map their failures already; a throw here is a bug, and a retry loses nothing.
          outcome = { status: 'retry', reason: error instanceof Error ? error.message : String(error) };
        }
        done(outcome);
        return outcome;
      },
    });
    this.byPlatform = new Map(
      [webPush, fcm, apns].filter((provider) => provider.enabled).map((p) => [p.platform, metered(p)] as const),
    );
  }

  /** The provider of `platform`, or undefined when its settings are not given. */
  for(platform: PushPlatform): PushProvider | undefined {
    return this.byPlatform.get(platform);
  }

  enabled(): PushPlatform[] {
    return [...this.byPlatform.keys()];
  }
}
