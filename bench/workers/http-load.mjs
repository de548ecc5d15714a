// HTTP load generator process: autocannon, with each request taking the next target (path and
// token) in turn, so reads spread over many users and conversations as real traffic does.
import autocannon from 'autocannon';
import { ownCpuSeconds, serveCommands } from '../lib/processes.mjs';

serveCommands({
  /** `rate`, when given, caps the requests a second over all connections (autocannon's overallRate). */
  async run({ url, connections, seconds, targets, rate }) {
    let next = 0;
    const cpuBefore = ownCpuSeconds();
    const result = await autocannon({
      url,
      connections,
      duration: seconds,
      ...(rate ? { overallRate: rate } : {}),
      requests: [
        {
          method: 'GET',
          setupRequest(request) {
            const target = targets[next++ % targets.length];
            const headers = target.token ? { authorization: `Bearer ${target.token}` } : {};
            return { ...request, path: target.path, headers };
          },
        },
      ],
    });
    const { latency } = result;
    return {
      seconds,
      requests: result.requests.total,
      perSecond: result.requests.total / seconds,
      ok: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCodes: Object.fromEntries(
        Object.entries(result.statusCodeStats ?? {}).map(([status, { count }]) => [status, count]),
      ),
      latencyMs: {
        p50: latency.p50,
        p90: latency.p90,
        p97_5: latency.p97_5,
        p99: latency.p99,
        max: latency.max,
        mean: latency.mean,
      },
      cpuSeconds: ownCpuSeconds() - cpuBefore,
    };
  },
  cpu: () => ownCpuSeconds(),
});
