interface Flight {
  fence: string | null;
  value: Promise<unknown>;
}

/** Loads under way in this process, by key: callers that read the same fence share one. */
export class SingleFlight {
  private readonly inFlight = new Map<string, Flight>();

  /**
   * Joins the load of `key` under way here if it read the same fence (null: Redis unreachable):
   * it then saw every invalidation this caller could know of. Otherwise starts `run` as the new one.
   */
  run<T>(key: string, fence: string | null, run: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running && running.fence === fence) return running.value as Promise<T>;
    const flight: Flight = {
      fence,
      value: run().finally(() => {
        if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
      }),
    };
    this.inFlight.set(key, flight);
    return flight.value as Promise<T>;
  }
}
