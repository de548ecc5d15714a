import { SingleFlight } from '#src/infra/cache/single-flight.js';

/** Loads through one SingleFlight that the test finishes when it likes; `runs` counts those started. */
function flights() {
  const flight = new SingleFlight();
  const started: { resolve: (value: string) => void; reject: (error: Error) => void }[] = [];
  const load = () => new Promise<string>((resolve, reject) => started.push({ resolve, reject }));
  return {
    run: (key: string, fence: string | null) => flight.run(key, fence, load),
    get runs() {
      return started.length;
    },
    finish: (run: number, value: string) => started[run].resolve(value),
    fail: (run: number, error: Error) => started[run].reject(error),
  };
}

describe('cache loads shared within a process', () => {
  it('gives callers of one key that read the same fence one load and its value', async () => {
    const source = flights();
    const first = source.run('k', 'fence-1');
    const second = source.run('k', 'fence-1');
    expect(source.runs).toBe(1);
    source.finish(0, 'v1');
    await expect(Promise.all([first, second])).resolves.toEqual(['v1', 'v1']);
  });

  it('starts a load of its own for a caller that read another fence: an invalidation came between them', async () => {
    const source = flights();
    const before = source.run('k', 'fence-1');
    const after = source.run('k', 'fence-2');
    expect(source.runs).toBe(2);
    source.finish(1, 'new');
    source.finish(0, 'old');
    await expect(after).resolves.toBe('new');
    await expect(before).resolves.toBe('old');
  });

  it('lets callers after that join the newer load, also once the older one finished', async () => {
    const source = flights();
    const old = source.run('k', 'fence-1');
    void source.run('k', 'fence-2');
    source.finish(0, 'old');
    await old;
    const joined = source.run('k', 'fence-2');
    expect(source.runs).toBe(2);
    source.finish(1, 'new');
    await expect(joined).resolves.toBe('new');
  });

  it('shares loads while Redis is unreachable (no fence), apart from those that read one', () => {
    const source = flights();
    void source.run('k', null);
    void source.run('k', null);
    expect(source.runs).toBe(1);
    void source.run('k', '');
    expect(source.runs).toBe(2);
  });

  it('never shares a load between keys', () => {
    const source = flights();
    void source.run('a', 'fence');
    void source.run('b', 'fence');
    expect(source.runs).toBe(2);
  });

  it('shares a failure with those waiting, and loads again for the next caller', async () => {
    const source = flights();
    const first = source.run('k', 'fence');
    const second = source.run('k', 'fence');
    source.fail(0, new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    await expect(second).rejects.toThrow('database down');
    const retry = source.run('k', 'fence');
    expect(source.runs).toBe(2);
    source.finish(1, 'v');
    await expect(retry).resolves.toBe('v');
  });

  it('loads again once a load finished: a finished value is not served from here', async () => {
    const source = flights();
    const first = source.run('k', 'fence');
    source.finish(0, 'v1');
    await first;
    void source.run('k', 'fence');
    expect(source.runs).toBe(2);
  });
});
