export interface ProbeResult {
  up: boolean;
  latencyMs: number;
  /** What an answer may say about a failure: nothing about hosts, ports or drivers. */
  error?: 'timeout' | 'unavailable';
  /** The failure as the driver reported it, for the logs only. */
  cause?: string;
}

/** Runs `check` with a deadline; never throws, never waits longer than `timeoutMs`. */
export async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    if ((await Promise.race([check(), deadline])) === 'timeout') {
      return { up: false, latencyMs: elapsed(started), error: 'timeout', cause: `no answer within ${timeoutMs} ms` };
    }
    return { up: true, latencyMs: elapsed(started) };
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    return { up: false, latencyMs: elapsed(started), error: 'unavailable', cause };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (started: number): number => Math.round((performance.now() - started) * 100) / 100;
