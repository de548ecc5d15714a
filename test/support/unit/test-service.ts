import type { InjectionToken, Type } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { validateEnv } from '#src/infra/config/env.validate.js';
import { chatEvents, conversationCache, latestMessages } from './notified-fakes.js';
import { isReadyMade, readyMade, strictFake, type Faked } from './strict-fake.js';

/**
 * The ConfigService a service reads its settings from: the defaults of the environment schema,
 * with `overrides`. A setting that does not exist throws, as a typo would otherwise read undefined.
 */
export function settings(overrides: Partial<AppConfig> = {}): ConfigService<AppConfig, true> {
  const values: Record<string, unknown> = { ...validateEnv({ NODE_ENV: 'test' }), ...overrides };
  return readyMade({
    get: (name: string) => {
      if (!(name in values)) throw new Error(`no setting ${name}`);
      return values[name];
    },
  }) as unknown as ConfigService<AppConfig, true>;
}

/** What a service gets when the test names none: the collaborators that are told of writes, and the defaults. */
const defaults: Record<string, () => object> = {
  ConfigService: () => settings(),
  ConversationCache: conversationCache,
  LatestMessagesCache: latestMessages,
  ChatEvents: chatEvents,
};

const nameOf = (token: InjectionToken): string =>
  typeof token === 'function' ? token.name : typeof token === 'symbol' ? (token.description ?? String(token)) : token;

export interface TestServiceOptions {
  /** Classes built for real beside the subject (a rule it delegates to), with their dependencies faked too. */
  real?: Type[];
}

/**
 * Compiles `Subject` in a Nest testing module where every constructor dependency is a fake, by
 * provider name (the class name, or a symbol token's description): those in `fakes` are strict
 * fakes of what the test gave; the rest are strict fakes with nothing given, except the defaults
 * above. A name in `fakes` that the subject does not depend on is an error.
 */
export async function newTestService<S, F extends Record<string, object> = Record<string, never>>(
  Subject: Type<S>,
  fakes: F = {} as F,
  { real = [] }: TestServiceOptions = {},
): Promise<{ subject: S; fakes: { [K in keyof F]: Faked<F[K]> } & Record<string, unknown> }> {
  const made: Record<string, object> = {};
  const compiled = await Test.createTestingModule({ providers: [Subject, ...real] })
    .useMocker((token) => {
      const name = nameOf(token as InjectionToken);
      const given = (fakes as Record<string, object>)[name] ?? defaults[name]?.() ?? {};
      made[name] ??= isReadyMade(given) ? given : strictFake(name, given);
      return made[name];
    })
    .compile();
  const unused = Object.keys(fakes).filter((name) => !(name in made));
  if (unused.length > 0) throw new Error(`${Subject.name} does not depend on ${unused.join(', ')}`);
  return { subject: compiled.get(Subject), fakes: made as { [K in keyof F]: Faked<F[K]> } };
}
