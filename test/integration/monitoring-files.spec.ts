// The Grafana dashboard and the Prometheus alerts in docker/: that promtool accepts the rules and
// their unit tests pass, that every metric they query is one the service exports, and that every
// alert has a test and a runbook. promtool comes with Debian's `prometheus` package; .ci/run
// installs it and sets REQUIRE_PROMTOOL, so there a missing promtool fails instead of skipping.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startTestApp, type TestApp } from '../support/test-app.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const prometheusDir = join(root, 'docker', 'prometheus');
const read = (...path: string[]) => readFileSync(join(root, ...path), 'utf8');

interface AlertRule {
  alert: string;
  expr: string;
  annotations: Record<string, string>;
}
interface DashboardPanel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

const rules: AlertRule[] = (
  parse(read('docker', 'prometheus', 'alerts.yml')) as { groups: { rules: AlertRule[] }[] }
).groups.flatMap((group) => group.rules);
const panels = (JSON.parse(read('docker', 'grafana', 'chat-backend.json')) as { panels: DashboardPanel[] }).panels;
const dashboardExprs = panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr);

const PROMQL_WORDS = new Set(
  'sum min max avg count rate irate increase histogram_quantile by without and or unless on ignoring group_left group_right bool clamp_min clamp_max abs'.split(
    ' ',
  ),
);
/** Prometheus's own series, not the service's. */
const PROMETHEUS_SERIES = new Set(['up']);

/** The metric names a PromQL expression reads: what is left once strings, label matchers, groupings, ranges and words are gone. */
function metricsIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const words = bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return words.filter((word) => !PROMQL_WORDS.has(word) && !PROMETHEUS_SERIES.has(word));
}

/** The series names of the service's metrics, from the TYPE lines of its exposition (histograms add their suffixes). */
function exportedSeries(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const havePromtool = promtool.status === 0;
if (!havePromtool && !process.env.REQUIRE_PROMTOOL) {
  console.warn('promtool not found (Debian package `prometheus`): skipping the promtool checks of docker/prometheus');
}
const withPromtool = havePromtool || process.env.REQUIRE_PROMTOOL ? it : it.skip;

describe('the dashboard and the alert rules', () => {
  let app: TestApp;
  let exported: Set<string>;

  beforeAll(async () => {
    app = await startTestApp();
    exported = exportedSeries((await app.request('GET', '/health/metrics')).text);
  });
  afterAll(() => app.close());

  withPromtool('pass promtool check rules', () => {
    const result = spawnSync('promtool', ['check', 'rules', 'alerts.yml'], { cwd: prometheusDir, encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(`${result.stdout}${result.stderr}`).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.status).toBe(0);
  });

  withPromtool("pass promtool test rules: each alert fires on its test's series and is quiet before", () => {
    const result = spawnSync('promtool', ['test', 'rules', 'alerts.test.yml'], {
      cwd: prometheusDir,
      encoding: 'utf8',
    });
    expect(result.error).toBeUndefined();
    expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('give every alert a promtool test that expects it to fire, and a runbook section', () => {
    const tests = parse(read('docker', 'prometheus', 'alerts.test.yml')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const firing = new Set(
      tests.tests.flatMap((test) =>
        test.alert_rule_test.filter((t) => t.exp_alerts.length > 0).map((t) => t.alertname),
      ),
    );
    const runbooks = read('docs', 'runbooks.md');
    const anchors = new Set([...runbooks.matchAll(/^#{2,3} (\S+)/gm)].map(([, heading]) => heading.toLowerCase()));
    for (const rule of rules) {
      expect({ alert: rule.alert, tested: firing.has(rule.alert) }).toEqual({ alert: rule.alert, tested: true });
      expect(rule.annotations.runbook).toBe(`docs/runbooks.md#${rule.alert.toLowerCase()}`);
      expect({ alert: rule.alert, documented: anchors.has(rule.alert.toLowerCase()) }).toEqual({
        alert: rule.alert,
        documented: true,
      });
      expect(rule.annotations.summary).toBeTruthy();
    }
  });

  it('query only metrics the service exports', () => {
    const queried = new Set([...rules.map((rule) => rule.expr), ...dashboardExprs].flatMap(metricsIn));
    expect(queried.size).toBeGreaterThan(20);
    expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('chart what an on-call engineer needs', () => {
    const charted = new Set(dashboardExprs.flatMap(metricsIn));
    const needed = [
      'http_requests_total', // request rate and errors by route
      'http_request_duration_seconds_bucket', // latency by route
      'ws_connections', // sockets
      'ws_events_in_total', // socket events
      'ws_events_out_total',
      'ws_delivery_lag_seconds_bucket', // delivery lag
      'outbox_lag_seconds_bucket', // outbox lag
      'outbox_oldest_age_seconds',
      'cache_requests_total', // cache hit ratio
      'rate_limit_rejections_total', // rate-limit rejections
      'dependency_latency_seconds', // Postgres and Redis latency
      'nodejs_eventloop_lag_p99_seconds', // event-loop lag
    ];
    expect(needed.filter((name) => !charted.has(name))).toEqual([]);
    for (const panel of panels.filter((p) => p.type !== 'row')) expect(panel.targets?.length).toBeGreaterThan(0);
  });
});
