import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { AppConfigModule, configSlice } from '#src/infra/config/config-slice.js';
import { validateEnv } from '#src/infra/config/env.validate.js';
import { newTestService, settingsSlice } from '../support/unit/test-service.js';

class ProbeSettings extends configSlice('PRESENCE_TTL_SECONDS', 'CACHE_ENABLED') {}

@Injectable()
class Probe {
  constructor(readonly settings: ProbeSettings) {}
}

const config = { ...validateEnv({ NODE_ENV: 'test' }), PRESENCE_TTL_SECONDS: 45 } as AppConfig;
const compile = () =>
  Test.createTestingModule({ imports: [AppConfigModule.forRoot(config)], providers: [Probe, ProbeSettings] });

describe('a configuration slice', () => {
  it('holds its settings from the configuration, and nothing else', async () => {
    const { settings } = (await compile().compile()).get(Probe);
    expect(settings).toBeInstanceOf(ProbeSettings);
    expect({ ...settings }).toEqual({ PRESENCE_TTL_SECONDS: 45, CACHE_ENABLED: true });
    expect(Object.isFrozen(settings)).toBe(true);
  });

  it('can be replaced in a testing module', async () => {
    const replaced = { PRESENCE_TTL_SECONDS: 7, CACHE_ENABLED: false };
    const compiled = await compile().overrideProvider(ProbeSettings).useValue(replaced).compile();
    expect(compiled.get(Probe).settings).toBe(replaced);
  });
});

describe('configuration slices in unit tests', () => {
  it('are the schema defaults with the overrides', () => {
    expect({ ...settingsSlice(ProbeSettings, { CACHE_ENABLED: false }) }).toEqual({
      PRESENCE_TTL_SECONDS: 90,
      CACHE_ENABLED: false,
    });
  });

  it('refuse a setting they do not hold', () => {
    const settings = settingsSlice(ProbeSettings) as unknown as AppConfig;
    expect(() => settings.PORT).toThrow('ProbeSettings holds no setting PORT');
  });

  it('are built for the subject from the settings option', async () => {
    const { subject } = await newTestService(Probe, {}, { settings: { PRESENCE_TTL_SECONDS: 12 } });
    expect(subject.settings.PRESENCE_TTL_SECONDS).toBe(12);
  });

  it('refuse a setting that no slice of the subject holds', async () => {
    await expect(newTestService(Probe, {}, { settings: { PORT: 1 } })).rejects.toThrow(
      'no configuration slice of Probe holds PORT',
    );
  });

  it('are not faked by hand', async () => {
    await expect(newTestService(Probe, { ProbeSettings: {} })).rejects.toThrow(
      'ProbeSettings is built from the settings option, not faked',
    );
  });
});
