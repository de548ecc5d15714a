/**
 * A small SVG chart: for each measured path, bars for p50, p90 and p99 latency on a logarithmic
 * millisecond axis. Written here because it is a few lines of SVG; a charting library would be
 * the benchmark's heaviest dependency.
 */
const PERCENTILES = [
  ['p50', '#4c78a8'],
  ['p90', '#f58518'],
  ['p99', '#e45756'],
];
const LABEL_WIDTH = 330;
const PLOT_WIDTH = 520;
const BAR = 7;
const ROW = PERCENTILES.length * BAR + 10;
const TOP = 46;

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function latencyChart(rows, title) {
  const measured = rows.filter((row) => row.latency);
  const values = measured.flatMap((row) => PERCENTILES.map(([key]) => row.latency[key])).filter((value) => value > 0);
  const low = 10 ** Math.floor(Math.log10(Math.min(0.1, ...values)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(1, ...values)));
  const x = (value) => LABEL_WIDTH + (Math.log10(Math.max(value, low) / low) / Math.log10(high / low)) * PLOT_WIDTH;
  const height = TOP + measured.length * ROW + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_WIDTH + PLOT_WIDTH + 30}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${escape(title)}</text>`,
    ...PERCENTILES.map(
      ([key, color], index) =>
        `<rect x="${LABEL_WIDTH + index * 60}" y="26" width="10" height="10" fill="${color}"/><text x="${LABEL_WIDTH + index * 60 + 14}" y="35">${key}</text>`,
    ),
  ];
  for (let tick = low; tick <= high; tick *= 10) {
    parts.push(
      `<line x1="${x(tick)}" y1="${TOP - 4}" x2="${x(tick)}" y2="${height - 30}" stroke="#ddd"/>`,
      `<text x="${x(tick)}" y="${height - 16}" text-anchor="middle">${tick >= 1 ? tick : tick.toPrecision(1)} ms</text>`,
    );
  }
  measured.forEach((row, index) => {
    const top = TOP + index * ROW;
    parts.push(`<text x="${LABEL_WIDTH - 8}" y="${top + ROW / 2}" text-anchor="end">${escape(row.label)}</text>`);
    PERCENTILES.forEach(([key, color], bar) => {
      const value = row.latency[key];
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${top + bar * BAR}" width="${Math.max(1, x(value) - LABEL_WIDTH).toFixed(1)}" height="${BAR - 1}" fill="${color}"><title>${key} ${value} ms</title></rect>`,
      );
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
