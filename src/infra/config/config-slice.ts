import { Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './app-config.js';

/** The whole validated configuration, provided once by `AppConfigModule`; features inject slices of it. */
export const APP_CONFIG = Symbol('AppConfig');

@Module({})
export class AppConfigModule {
  /** Global, so that every feature module can provide its slices without importing anything. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}

/** An injectable class holding the settings `names`, filled once from `APP_CONFIG`. */
export interface ConfigSliceClass<K extends keyof AppConfig> {
  new (config: AppConfig): Readonly<Pick<AppConfig, K>>;
  readonly settingNames: readonly K[];
}

/**
 * The settings a feature reads, declared where it reads them:
 * `export class PresenceSettings extends configSlice('PRESENCE_TTL_SECONDS') {}`, provided in the
 * feature's module and injected by its class. A slice holds only its own settings, so what a
 * class depends on is in its constructor, and a test builds exactly that.
 */
export function configSlice<K extends keyof AppConfig>(...names: K[]): ConfigSliceClass<K> {
  @Injectable()
  class ConfigSlice {
    static readonly settingNames = names;

    constructor(@Inject(APP_CONFIG) config: AppConfig) {
      for (const name of names) Object.defineProperty(this, name, { value: config[name], enumerable: true });
      Object.freeze(this);
    }
  }
  return ConfigSlice as unknown as ConfigSliceClass<K>;
}
