/** Adds counts by name (`{ RATE_LIMITED: 2 }`) into `total`, which it returns. */
export function addCounts(total, counts) {
  for (const [key, value] of Object.entries(counts)) total[key] = (total[key] ?? 0) + value;
  return total;
}
