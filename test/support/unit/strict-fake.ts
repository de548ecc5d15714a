import { afterEach, jest } from '@jest/globals';

/** Properties Nest, Jest and `await` probe on any provider or value; a fake has none of them. */
const PROBES = new Set([
  'then',
  'constructor',
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
  'asymmetricMatch',
  'toJSON',
  'nodeType',
  '$$typeof',
  '@@__IMMUTABLE_ITERABLE__@@',
  '@@__IMMUTABLE_RECORD__@@',
]);

/** What the fakes of the running test were asked and not given: services that catch errors must not hide these. */
const unexpected: string[] = [];

afterEach(() => {
  const calls = unexpected.splice(0);
  if (calls.length > 0) throw new Error(`the service made calls the test did not give it: ${calls.join(', ')}`);
});

const READY_MADE = Symbol('ready-made fake');

export const isReadyMade = (fake: object): boolean => READY_MADE in fake;

const isMock = (value: unknown): value is jest.Mock => typeof value === 'function' && 'mock' in value;

/** The given members, each method a jest mock of itself, so that a test can look at its calls. */
export type Faked<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? jest.Mock<(...args: A) => R> : T[K];
};

/**
 * A fake of `provider` with only the members a test gave it. Reading any other member throws
 * `unexpected call: <provider>.<member>`, and fails the test even when the service caught it.
 */
export function strictFake<T extends object>(provider: string, given: T): Faked<T> {
  const members: Record<string | symbol, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    members[name] = typeof value === 'function' && !isMock(value) ? jest.fn(value as () => unknown) : value;
  }
  return new Proxy(members, {
    get(target, property) {
      if (property in target) return target[property];
      if (typeof property === 'symbol' || PROBES.has(property)) return undefined;
      const call = `${provider}.${property}`;
      unexpected.push(call);
      throw new Error(`unexpected call: ${call}`);
    },
  }) as Faked<T>;
}

/**
 * A fake that answers `given` and takes any other call as a notification, answered with nothing.
 * For collaborators that are told what happened (caches, the event bus): which of them a write
 * tells, and how, is theirs to decide, not what a rule's test asserts.
 */
export function notifiedFake<T extends object>(given: T): Faked<T> & Record<string, jest.Mock> {
  const members: Record<string | symbol, unknown> = { [READY_MADE]: true };
  for (const [name, value] of Object.entries(given)) members[name] = jest.fn(value as () => unknown);
  return new Proxy(members, {
    get(target, property) {
      if (typeof property === 'symbol' || PROBES.has(property)) return undefined;
      target[property] ??= jest.fn(() => Promise.resolve());
      return target[property];
    },
  }) as Faked<T> & Record<string, jest.Mock>;
}
