import hdr from 'hdr-histogram-js';

/** Latencies are kept in microseconds, up to a minute, to three significant digits. */
export const newHistogram = () =>
  hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });

export const recordMs = (histogram, ms) =>
  histogram.recordValue(Math.min(60_000_000, Math.max(1, Math.round(ms * 1000))));

export const encode = (histogram) => hdr.encodeIntoCompressedBase64(histogram);

/** One histogram holding every encoded one given. */
export function merge(encoded) {
  const total = newHistogram();
  for (const item of encoded) total.add(hdr.decodeFromCompressedBase64(item));
  return total;
}

const round = (ms) => Math.round(ms * 100) / 100;

/** Count and percentiles in milliseconds (null when nothing was recorded). */
export function summarize(histogram) {
  if (histogram.totalCount === 0) return { count: 0, latencyMs: null };
  const at = (percentile) => round(histogram.getValueAtPercentile(percentile) / 1000);
  return {
    count: histogram.totalCount,
    latencyMs: {
      p50: at(50),
      p90: at(90),
      p99: at(99),
      max: round(histogram.maxValue / 1000),
      mean: round(histogram.mean / 1000),
    },
  };
}
