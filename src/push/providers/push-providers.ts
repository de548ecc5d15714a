import { Injectable } from '@nestjs/common';
import type { PushPlatform, PushProvider } from './push-provider.js';

@Injectable()
export class PushProviders {
  for(platform: PushPlatform): PushProvider | undefined {
    void platform;
    return undefined;
  }
  enabled(): PushPlatform[] {
    return [];
  }
}
