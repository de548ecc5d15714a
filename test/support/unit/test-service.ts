import type { InjectionToken, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AppConfig } from '#src/infra/config/app-config.js';
import type { ConfigSliceClass } from '#src/infra/config/config-slice.js';
import { validateEnv } from '#src/infra/config/env.validate.js';
import { chatEvents, conversationCache, latestMessages } from './notified-fakes.js';
import { isReadyMade, strictFake, type Faked } from './strict-fake.js';

type AnySlice = ConfigSliceClass<keyof AppConfig>;

const isConfigSlice = (token: unknown): token is AnySlice =>
  typeof token === 'function' && Array.isArray((token as Partial<AnySlice>).settingNames);

/** Setting names are upper case: any such member a slice does not hold is a setting it was not given. */
const SETTING_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * A configuration slice as the application builds it, from the defaults of the environment schema
 * with `overrides`. Reading a setting the slice does not hold throws, as it would otherwise read
 * undefined where the application has a value.
 */
export function settingsSlice<K extends keyof AppConfig>(
  Slice: ConfigSliceClass<K>,
  overrides: Partial<AppConfig> = {},
): Readonly<Pick<AppConfig, K>> {
  const slice = new Slice({ ...validateEnv({ NODE_ENV: 'test' }), ...overrides } as AppConfig);
  return new Proxy(slice, {
    get(target, property, receiver) {
      if (typeof property === 'string' && SETTING_NAME.test(property) && !(property in target)) {
        throw new Error(`${Slice.name} holds no setting ${property}`);
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/** What a service gets when the test names none: the collaborators that are told of writes. */
const defaults: Record<string, () => object> = {
  ConversationCache: conversationCache,
  LatestMessagesCache: latestMessages,
  ChatEvents: chatEvents,
};

const nameOf = (token: InjectionToken): string =>
  typeof token === 'function' ? token.name : typeof token === 'symbol' ? (token.description ?? String(token)) : token;

export interface TestServiceOptions {
  /** Classes built for real beside the subject (a rule it delegates to), with their dependencies faked too. */
  real?: Type[];
  /** Settings other than the schema defaults, in every configuration slice the classes inject. */
  settings?: Partial<AppConfig>;
}

/**
 * Compiles `Subject` in a Nest testing module where every constructor dependency is a fake, by
 * provider name (the class name, or a symbol token's description): those in `fakes` are strict
 * fakes of what the test gave; the rest are strict fakes with nothing given, except the defaults
 * above. Configuration slices are built, never faked: see `settingsSlice`. A name in `fakes` that
 * the subject does not depend on, or a setting in `settings` that no slice holds, is an error.
 */
export async function newTestService<S, F extends Record<string, object> = Record<string, never>>(
  Subject: Type<S>,
  fakes: F = {} as F,
  { real = [], settings = {} }: TestServiceOptions = {},
): Promise<{ subject: S; fakes: { [K in keyof F]: Faked<F[K]> } & Record<string, unknown> }> {
  const made: Record<string, object> = {};
  const held = new Set<string>();
  const compiled = await Test.createTestingModule({ providers: [Subject, ...real] })
    .useMocker((token) => {
      const name = nameOf(token as InjectionToken);
      if (isConfigSlice(token)) {
        if (name in fakes) throw new Error(`${name} is built from the settings option, not faked`);
        token.settingNames.forEach((setting) => held.add(setting));
        made[name] ??= settingsSlice(token, settings);
        return made[name];
      }
      const given = (fakes as Record<string, object>)[name] ?? defaults[name]?.() ?? {};
      made[name] ??= isReadyMade(given) ? given : strictFake(name, given);
      return made[name];
    })
    .compile();
  const unused = Object.keys(fakes).filter((name) => !(name in made));
  if (unused.length > 0) throw new Error(`${Subject.name} does not depend on ${unused.join(', ')}`);
  const unread = Object.keys(settings).filter((setting) => !held.has(setting));
  if (unread.length > 0) throw new Error(`no configuration slice of ${Subject.name} holds ${unread.join(', ')}`);
  return { subject: compiled.get(Subject), fakes: made as { [K in keyof F]: Faked<F[K]> } };
}
