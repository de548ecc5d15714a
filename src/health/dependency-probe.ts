export interface ProbeResult {
  up: boolean;
  latencyMs: number;
  error?: string;
}

/** Runs `check` with a deadline; never throws, never waits longer than `timeoutMs`. */
export async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), deadline]);
    return { up: true, latencyMs: elapsed(started) };
  } catch (error) {
    return { up: false, latencyMs: elapsed(started), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (started: number): number => Math.round((performance.now() - started) * 100) / 100;
