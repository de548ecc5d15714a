// Checks the deployment files under docker/ (image, compose, nginx, Kubernetes) for what operators
// rely on. None of them can be run here (no Docker engine, no cluster); kubectl, when it is on PATH,
// decodes the Kubernetes objects offline.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { EnvSchema } from '#src/infra/config/env.schema.js';
import { validateEnv } from '#src/infra/config/env.validate.js';
import { parseTrustProxy, resolveClientAddress, trustedHops } from '#src/infra/http/client-address.js';

const root = new URL('../../', import.meta.url);
const rootPath = fileURLToPath(root);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

const defaults = new EnvSchema();
/** Every variable the service reads. */
const settings = new Set([...Object.keys(defaults), 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET']);
/** Socket.IO's pingInterval + pingTimeout (src/realtime/realtime-io.adapter.ts), in seconds. */
const SOCKET_IO_PING_SECONDS = 25 + 20;
const LABEL = 'app.kubernetes.io/name';

/** Every document of a YAML file; parse errors and warnings fail the test that reads it. */
function yamlDocuments(file: string): any[] {
  const documents = parseAllDocuments(read(file));
  const problems = documents.flatMap((document) => [...document.errors, ...document.warnings]);
  if (problems.length > 0) throw new Error(`${file}: ${problems.map((problem) => problem.message).join('; ')}`);
  return documents.map((document) => document.toJS());
}

const yamlFiles = readdirSync(new URL('docker/', root), { recursive: true, encoding: 'utf8' })
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => posix.join('docker', name.split('\\').join('/')))
  .sort();
const k8sFiles = yamlFiles.filter((file) => file.startsWith('docker/k8s/') && !file.endsWith('kustomization.yaml'));

/** Read when a test needs them, so that a file that does not parse fails only the tests that read it. */
const k8sObjects = () =>
  k8sFiles.map((file) => {
    const [object] = yamlDocuments(file);
    return { file, object };
  });
const ofKind = (kind: string) => {
  const found = k8sObjects().filter(({ object }) => object?.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} under docker/k8s, found ${found.length}`);
  return found[0].object;
};
const deployment = () => ofKind('Deployment');
const podSpec = () => deployment().spec.template.spec;
const container = () => {
  const containers = podSpec().containers;
  expect(containers).toHaveLength(1);
  return containers[0];
};
const configMapData = (): Record<string, string> => ofKind('ConfigMap').data ?? {};

const compose = () => yamlDocuments('docker/compose.yml')[0];
/** Compose `environment` in either form (mapping or list of NAME=value). */
function composeEnv(service: any): Record<string, string> {
  const environment = service.environment ?? {};
  if (!Array.isArray(environment)) return environment;
  return Object.fromEntries(
    environment.map((entry: string) => {
      const at = entry.indexOf('=');
      return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
}
/** Compose interpolation as the CLI does it: ${VAR:-default} takes its default, ${VAR:?error} the given value. */
const interpolate = (value: string, required: Record<string, string>) =>
  String(value).replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) =>
    kind === '-' ? (rest ?? '') : (required[name] ?? ''),
  );

/** Duration in seconds from compose's `30s`, `1m30s`, `500ms` forms. */
function seconds(duration: string): number {
  const parts = [...String(duration).matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0) throw new Error(`not a duration: ${duration}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 } as Record<string, number>;
  return parts.reduce((total, [, amount, suffix]) => total + Number(amount) * unit[suffix], 0);
}

/** CMD of the Dockerfile's last stage, in exec form. */
function imageCommand(): string[] {
  const commands = [...read('docker/Dockerfile').matchAll(/^CMD\s+(\[.*\])\s*$/gm)];
  expect(commands.length).toBeGreaterThan(0);
  return JSON.parse(commands[commands.length - 1][1]);
}
const scripts = () => JSON.parse(read('package.json')).scripts as Record<string, string>;

/** Effective shutdown settings of the Kubernetes pods: the ConfigMap's values, else the defaults. */
function shutdownMs() {
  const data = configMapData();
  return {
    drain: Number(data.SHUTDOWN_DRAIN_MS ?? defaults.SHUTDOWN_DRAIN_MS),
    timeout: Number(data.SHUTDOWN_TIMEOUT_MS ?? defaults.SHUTDOWN_TIMEOUT_MS),
  };
}

function preStopSeconds(target: any): number {
  const preStop = target.lifecycle?.preStop;
  if (preStop?.sleep) return Number(preStop.sleep.seconds);
  const command: string[] = preStop?.exec?.command ?? [];
  const sleep = /^(?:\/bin\/)?sleep\s+(\d+)$/.exec(command.join(' ')) ?? /^sleep (\d+)$/.exec(command.at(-1) ?? '');
  if (!sleep) throw new Error(`preStop is not a sleep: ${JSON.stringify(preStop)}`);
  return Number(sleep[1]);
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

/** nginx.conf without comments. */
const nginxConf = () => read('docker/nginx.conf').replace(/#.*$/gm, '');
/** Body of the first block whose header matches, e.g. `location /socket.io/`. */
function block(text: string, header: RegExp): string {
  const found = header.exec(text);
  if (!found) throw new Error(`no block ${header}`);
  let depth = 0;
  const start = text.indexOf('{', found.index);
  for (let at = start; at < text.length; at++) {
    if (text[at] === '{') depth++;
    if (text[at] === '}' && --depth === 0) return text.slice(start + 1, at);
  }
  throw new Error(`unclosed block ${header}`);
}
/** The directives of a block itself, without its nested blocks. */
const ownDirectives = (body: string) => {
  let flat = body;
  while (/\{[^{}]*\}/.test(flat)) flat = flat.replace(/\{[^{}]*\}/g, ';');
  return flat;
};
const headersSet = (directives: string) =>
  new Map(
    [...directives.matchAll(/proxy_set_header\s+(\S+)\s+([^;]+);/g)].map(([, name, value]) => [name, value.trim()]),
  );
const directive = (directives: string, name: string) =>
  new RegExp(`(?:^|[;{\\s])${name}\\s+([^;]+);`).exec(directives)?.[1].trim();

/** The `location` blocks of a server block: modifier (`=`, `^~`, `~`, `~*` or none), path and body. */
function locations(serverBody: string) {
  return [...serverBody.matchAll(/\blocation\s+(?:(=|\^~|~\*?)\s+)?(\S+)\s*\{/g)].map(([header, modifier, path]) => ({
    modifier: modifier ?? '',
    path,
    body: block(serverBody, new RegExp(header.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))),
  }));
}
/** The location nginx picks for a (normalized) path: an exact match, else the longest prefix (no regex locations here). */
function locationFor(serverBody: string, path: string) {
  const all = locations(serverBody);
  expect(all.filter((location) => location.modifier.startsWith('~'))).toEqual([]);
  const exact = all.find((location) => location.modifier === '=' && location.path === path);
  if (exact) return exact;
  const prefixes = all.filter((location) => location.modifier !== '=' && path.startsWith(location.path));
  return prefixes.sort((a, b) => b.path.length - a.path.length)[0];
}
/** X-Forwarded-For as nginx sends it upstream, from the request's header and the client's address. */
function forwardedByNginx(value: string, sent: string | undefined, remoteAddr: string): string {
  if (value === '$remote_addr') return remoteAddr;
  if (value === '$proxy_add_x_forwarded_for') return sent ? `${sent}, ${remoteAddr}` : remoteAddr;
  throw new Error(`unexpected X-Forwarded-For value ${value}`);
}

describe('deployment files: YAML', () => {
  it('finds the compose file and the Kubernetes objects', () => {
    expect(yamlFiles).toEqual(
      expect.arrayContaining([
        'docker/compose.yml',
        'docker/k8s/kustomization.yaml',
        'docker/k8s/deployment.yaml',
        'docker/k8s/migration-job.yaml',
      ]),
    );
  });

  it.each(yamlFiles)('%s parses with no errors and no warnings', (file) => {
    const documents = parseAllDocuments(read(file));
    expect(documents.length).toBeGreaterThan(0);
    for (const document of documents) {
      expect(document.errors.map((error) => error.message)).toEqual([]);
      expect(document.warnings.map((warning) => warning.message)).toEqual([]);
      expect(document.toJS()).toBeTruthy();
    }
  });
});

describe('deployment files: Kubernetes objects', () => {
  it.each(k8sFiles)('%s holds one object with apiVersion, kind, name, the app label and no namespace', (file) => {
    const documents = yamlDocuments(file).filter((document) => document !== null);
    expect(documents).toHaveLength(1);
    const [object] = documents;
    expect(object.apiVersion).toEqual(expect.any(String));
    expect(object.kind).toEqual(expect.any(String));
    expect(object.metadata?.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(object.metadata.namespace).toBeUndefined();
    expect(object.metadata.labels?.[LABEL]).toBe('chat-backend');
  });

  it('has every kind the deployment needs', () => {
    expect(k8sObjects().map(({ object }) => object.kind)).toEqual(
      expect.arrayContaining([
        'Deployment',
        'Service',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'ConfigMap',
        'Secret',
        'Job',
      ]),
    );
  });

  it('kustomization.yaml lists every object except the example Secret and the migration Job', () => {
    const [kustomization] = yamlDocuments('docker/k8s/kustomization.yaml');
    expect(kustomization.kind).toBe('Kustomization');
    expect(kustomization.namespace).toBeUndefined();
    const listed: string[] = kustomization.resources;
    for (const file of listed) expect(existsSync(new URL(`docker/k8s/${file}`, root))).toBe(true);
    const expected = k8sFiles
      .map((file) => file.slice('docker/k8s/'.length))
      .filter((file) => !['secret.example.yaml', 'migration-job.yaml'].includes(file));
    expect([...listed].sort()).toEqual(expected.sort());
  });

  it('the Deployment probes /health/liveness and /health/readiness on the service port', () => {
    const app = container();
    const port = app.ports.find((entry: any) => entry.name === 'http');
    expect(port.containerPort).toBe(Number(configMapData().PORT ?? defaults.PORT));
    expect(read('docker/Dockerfile')).toMatch(new RegExp(`^EXPOSE ${port.containerPort}$`, 'm'));
    for (const probe of ['livenessProbe', 'startupProbe']) {
      expect(app[probe].httpGet).toEqual({ path: '/health/liveness', port: 'http' });
    }
    expect(app.readinessProbe.httpGet).toEqual({ path: '/health/readiness', port: 'http' });
    expect(app.readinessProbe.periodSeconds).toBe(5);
    expect(app.readinessProbe.failureThreshold).toBe(2);
  });

  it('the Deployment gives a graceful shutdown the time it needs', () => {
    const { drain, timeout } = shutdownMs();
    const preStop = preStopSeconds(container());
    expect(preStop).toBeGreaterThan(0);
    expect(podSpec().terminationGracePeriodSeconds).toBeGreaterThan(preStop + (drain + timeout) / 1000);
  });

  it('the Deployment runs as the non-root node user with a read-only root filesystem', () => {
    const pod = podSpec().securityContext ?? {};
    const own = container().securityContext ?? {};
    const effective = { ...pod, ...own };
    expect(effective.runAsNonRoot).toBe(true);
    expect(effective.runAsUser).toBe(1000);
    expect(own.readOnlyRootFilesystem).toBe(true);
    expect(own.allowPrivilegeEscalation).toBe(false);
    expect(own.capabilities?.drop).toContain('ALL');
    // The image's user is the node user (uid 1000 in the node images).
    expect(read('docker/Dockerfile')).toMatch(/^USER node$/m);
    // A writable /tmp on the read-only root filesystem.
    const tmp = container().volumeMounts.find((mount: any) => mount.mountPath === '/tmp');
    expect(podSpec().volumes.find((volume: any) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
  });

  it('the Deployment is scraped by Prometheus at /health/metrics and has CPU and memory set', () => {
    const annotations = deployment().spec.template.metadata.annotations;
    expect(annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/path': '/health/metrics',
      'prometheus.io/port': String(container().ports[0].containerPort),
    });
    // The HPA's utilisation target is relative to the CPU request.
    expect(container().resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container().resources.limits.memory).toEqual(expect.any(String));
  });

  it('the Service, the HPA and the PDB point at the Deployment', () => {
    const target = deployment();
    const labels = target.spec.template.metadata.labels;
    expect(matches(target.spec.selector.matchLabels, labels)).toBe(true);

    const service = ofKind('Service');
    expect(matches(service.spec.selector, labels)).toBe(true);
    const portNames = container().ports.map((port: any) => port.name);
    for (const port of service.spec.ports) expect(portNames).toContain(port.targetPort);

    const hpa = ofKind('HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: target.apiVersion,
      kind: 'Deployment',
      name: target.metadata.name,
    });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas);
    const cpu = hpa.spec.metrics.find((metric: any) => metric.resource?.name === 'cpu');
    expect(cpu.resource.target).toEqual({ type: 'Utilization', averageUtilization: 70 });

    const pdb = ofKind('PodDisruptionBudget');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(matches(pdb.spec.selector.matchLabels, labels)).toBe(true);
    // Node drains must stay possible: fewer pods required than the HPA keeps at least.
    expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
    expect(pdb.spec.minAvailable).toBeLessThan(target.spec.replicas);

    // The migration pod must not receive traffic or count for the PDB.
    const jobLabels = ofKind('Job').spec.template.metadata?.labels ?? {};
    expect(matches(service.spec.selector, jobLabels)).toBe(false);
  });

  it('the Job applies the migrations once and the Deployment only serves', () => {
    const job = ofKind('Job');
    const [migrate] = job.spec.template.spec.containers;
    expect(migrate.command.join(' ')).toBe(scripts()['db:migrate']);
    expect(migrate.command).toEqual(['node', 'dist/cli/db.js', 'migrate']);
    expect(migrate.image).toBe(container().image);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.backoffLimit).toBe(3);
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);

    expect(imageCommand()).toEqual(['node', 'dist/main.js']);
    expect(imageCommand().join(' ')).toBe(scripts()['start:prod']);
    expect([...(container().command ?? imageCommand()), ...(container().args ?? [])]).toEqual(imageCommand());
    expect(podSpec().initContainers).toBeUndefined();
    // The commands name real entry points.
    expect(existsSync(new URL('src/main.ts', root))).toBe(true);
    expect(existsSync(new URL('src/cli/db.ts', root))).toBe(true);
    // The image holds the migrations the command applies.
    expect(read('docker/Dockerfile')).toMatch(/^COPY --from=build \/app\/prisma \.\/prisma$/m);
  });

  it('sets only variables the service reads, from the ConfigMap and Secret it ships', () => {
    const configMap = ofKind('ConfigMap');
    const secret = ofKind('Secret');
    const names = [
      ...Object.keys(configMap.data ?? {}),
      ...Object.keys(secret.stringData ?? {}),
      ...Object.keys(secret.data ?? {}),
    ];
    for (const target of [deployment(), ofKind('Job')]) {
      for (const entry of target.spec.template.spec.containers) {
        names.push(...(entry.env ?? []).map((variable: any) => variable.name));
        const sources = (entry.envFrom ?? []).map((source: any) =>
          source.configMapRef ? `ConfigMap/${source.configMapRef.name}` : `Secret/${source.secretRef.name}`,
        );
        expect(sources.sort()).toEqual([`ConfigMap/${configMap.metadata.name}`, `Secret/${secret.metadata.name}`]);
      }
    }
    expect(names.filter((name) => !settings.has(name))).toEqual([]);
    // External PostgreSQL and Redis: nothing embedded in the pods.
    expect(names).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET']));
  });

  it('the ConfigMap holds valid values, and the example Secret cannot go live unchanged', () => {
    const data = configMapData();
    for (const value of Object.values(data)) expect(typeof value).toBe('string');
    const config = validateEnv({
      ...data,
      DATABASE_URL: 'postgresql://chat@postgres:5432/chat',
      JWT_SECRET: 'x'.repeat(32),
    });
    expect(config).toMatchObject({ NODE_ENV: 'production', TRUST_PROXY: true });
    // One proxy (an ingress controller that appends) in front of the pods: the client is what it saw.
    const trust = trustedHops(config.TRUST_PROXY);
    expect(resolveClientAddress('10.244.1.7', '198.51.100.66, 203.0.113.7', trust)).toBe('203.0.113.7');
    expect(() => validateEnv({ ...data, ...ofKind('Secret').stringData })).toThrow(/JWT_SECRET/);
  });
});

describe('deployment files: compose', () => {
  it('runs postgres, redis, a one-shot migrate, two app replicas and nginx', () => {
    const { services, volumes } = compose();
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['app', 'migrate', 'nginx', 'postgres', 'redis']));
    expect(services.postgres.image).toMatch(/^postgres:16/);
    expect(services.postgres.healthcheck.test.join(' ')).toMatch(/pg_isready/);
    const [volume] = services.postgres.volumes[0].split(':');
    expect(Object.keys(volumes ?? {})).toContain(volume);
    expect(services.redis.image).toMatch(/^redis:7/);
    expect(services.redis.healthcheck.test.join(' ')).toMatch(/redis-cli.*ping/);

    const { app, migrate } = services;
    expect(app.deploy.replicas).toBe(2);
    expect(app.depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(app.depends_on.redis.condition).toBe('service_healthy');
    expect(migrate.depends_on.postgres.condition).toBe('service_healthy');
    expect(migrate.restart).toBe('no');
    // Replicas cannot share a host port: only nginx publishes one.
    expect(app.ports).toBeUndefined();
    // Both run the image of docker/Dockerfile, built from the repository root.
    for (const service of [app, migrate]) {
      expect(service.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
      expect(existsSync(join(rootPath, 'docker', service.build.context, service.build.dockerfile))).toBe(true);
    }
    expect(app.image).toBe(migrate.image);
  });

  it('migrates in the migrate service and serves with the image command in app', () => {
    const { app, migrate } = compose().services;
    expect(migrate.command.join(' ')).toBe(scripts()['db:migrate']);
    expect(app.command ?? imageCommand()).toEqual(scripts()['start:prod'].split(' '));
    expect(app.entrypoint).toBeUndefined();
  });

  it('gives the instances a valid configuration they read, with a required JWT_SECRET', () => {
    const { services } = compose();
    for (const name of ['app', 'migrate']) {
      expect(Object.keys(composeEnv(services[name])).filter((variable) => !settings.has(variable))).toEqual([]);
    }
    const environment = composeEnv(services.app);
    expect(environment.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?.+\}$/);
    expect(environment.TRUST_PROXY).toBe('true');
    const resolved = Object.fromEntries(
      Object.entries(environment).map(([name, value]) => [name, interpolate(value, { JWT_SECRET: 'x'.repeat(32) })]),
    );
    expect(validateEnv(resolved)).toMatchObject({ TRUST_PROXY: true });
    expect(interpolate(environment.JWT_SECRET, {})).toBe('');
    // DATABASE_URL and REDIS_URL name the compose services.
    expect(new URL(resolved.DATABASE_URL).hostname).toBe('postgres');
    expect(new URL(resolved.REDIS_URL).hostname).toBe('redis');
    expect(composeEnv(services.migrate).DATABASE_URL).toBe(environment.DATABASE_URL);
    // docker stop waits this long before SIGKILL; the service may take SHUTDOWN_TIMEOUT_MS after SIGTERM.
    const timeout = Number(resolved.SHUTDOWN_TIMEOUT_MS ?? defaults.SHUTDOWN_TIMEOUT_MS);
    expect(seconds(services.app.stop_grace_period ?? '10s')).toBeGreaterThan(timeout / 1000);
  });

  it('puts nginx on port 8080 in front, with docker/nginx.conf mounted read-only', () => {
    const { nginx } = compose().services;
    expect(nginx.image).toBe('nginx:1.27-alpine');
    const listen = directive(block(nginxConf(), /\bserver\s*\{/), 'listen');
    expect(nginx.ports).toContain(`8080:${listen}`);
    const [source, target, mode] = nginx.volumes[0].split(':');
    expect(existsSync(join(rootPath, 'docker', source))).toBe(true);
    expect(source).toMatch(/nginx\.conf$/);
    expect(target).toBe('/etc/nginx/nginx.conf');
    expect(mode).toBe('ro');
  });
});

describe('deployment files: nginx.conf', () => {
  const http = () => block(nginxConf(), /\bhttp\s*\{/);
  const server = () => block(http(), /\bserver\s*\{/);

  it('proxies to the app replicas on the service port, re-resolved through Docker DNS', () => {
    expect(directive(ownDirectives(http()), 'resolver')).toMatch(/^127\.0\.0\.11\b.*\bvalid=10s\b/);
    const upstream = block(http(), /\bupstream\s+chat_backend\s*\{/);
    expect(upstream).toMatch(new RegExp(`\\bserver\\s+app:${defaults.PORT}\\b[^;]*\\bresolve\\b`));
    expect(upstream).toMatch(/\bzone\s+\S+/);
    expect(directive(block(server(), /location\s+\/\s*\{/), 'proxy_pass')).toBe('http://chat_backend');
  });

  it('upgrades WebSocket connections on /socket.io/ and keeps them past the Socket.IO ping cycle', () => {
    const socketIo = block(server(), /location\s+\/socket\.io\/\s*\{/);
    expect(directive(socketIo, 'proxy_pass')).toBe('http://chat_backend');
    expect(directive(socketIo, 'proxy_http_version') ?? directive(ownDirectives(server()), 'proxy_http_version')).toBe(
      '1.1',
    );
    const headers = headersSet(socketIo);
    expect(headers.get('Upgrade')).toBe('$http_upgrade');
    expect(headers.get('Connection')).toBe('$connection_upgrade');
    expect(block(http(), /\bmap\s+\$http_upgrade\s+\$connection_upgrade\s*\{/)).toMatch(/default\s+upgrade;/);
    for (const name of ['proxy_read_timeout', 'proxy_send_timeout']) {
      const value = directive(socketIo, name);
      expect(value).toBeDefined();
      expect(seconds(value!)).toBeGreaterThan(SOCKET_IO_PING_SECONDS);
    }
  });

  it.each([
    '/health/metrics',
    '/health/metrics/',
    '/health/metricsx',
    '/health/postgres',
    '/health/redis',
    '/health/pubsub',
    '/health/cache',
    '/health/sessions',
    '/docs',
    '/docs/',
    '/docs-json',
    '/docs-yaml',
    '/docs/asyncapi.json',
  ])('refuses %s from outside (metrics and API documents stay internal)', (path) => {
    const location = locationFor(server(), path);
    expect(location).toBeDefined();
    expect(directive(location.body, 'proxy_pass')).toBeUndefined();
    expect(directive(location.body, 'return') ?? directive(location.body, 'deny')).toMatch(/^(40[34]|all)$/);
  });

  it.each(['/api/v1/auth/login', '/socket.io/', '/health/readiness', '/health/liveness', '/health'])(
    'proxies %s to the instances',
    (path) => {
      expect(directive(locationFor(server(), path).body, 'proxy_pass')).toBe('http://chat_backend');
    },
  );

  it.each(['/socket.io/', '/'])(
    'on %s, the instances behind nginx (compose TRUST_PROXY) get the address nginx saw, not one the client wrote',
    (path) => {
      const location = block(server(), new RegExp(`location\\s+${path.replace(/[./]/g, '\\$&')}\\s*\\{`));
      const own = headersSet(location);
      const value = (own.size > 0 ? own : headersSet(ownDirectives(server()))).get('X-Forwarded-For')!;
      const trust = trustedHops(parseTrustProxy(composeEnv(compose().services.app).TRUST_PROXY)!);
      const nginxAddress = '172.18.0.9';
      for (const sent of [undefined, '198.51.100.66', '198.51.100.66, 192.0.2.1', 'garbage']) {
        const header = forwardedByNginx(value, sent, '203.0.113.7');
        expect(resolveClientAddress(nginxAddress, header, trust)).toBe('203.0.113.7');
      }
    },
  );

  it.each(['/socket.io/', '/'])('passes X-Forwarded-For, X-Forwarded-Proto and X-Request-Id on %s', (path) => {
    const location = block(server(), new RegExp(`location\\s+${path.replace(/[./]/g, '\\$&')}\\s*\\{`));
    // proxy_set_header in a location replaces every inherited one.
    const own = headersSet(location);
    const headers = own.size > 0 ? own : headersSet(ownDirectives(server()));
    for (const name of ['X-Forwarded-For', 'X-Forwarded-Proto', 'X-Request-Id', 'Host']) {
      expect(headers.get(name)).toEqual(expect.stringMatching(/^\$/));
    }
  });
});

describe('deployment files: image', () => {
  it('builds and runs on Node 24 LTS', () => {
    const bases = [...read('docker/Dockerfile').matchAll(/^FROM\s+(\S+)/gm)].map((match) => match[1]);
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const base of bases) expect(base).toMatch(/^node:24(-|$)/);
  });
});

describe('deployment files: image build context', () => {
  it('.dockerignore keeps local files and secrets out of the image', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    expect(ignored).toEqual(
      expect.arrayContaining(['node_modules', 'dist', '.data', '.env', '.git', 'coverage', 'bench/results', 'test']),
    );
  });
});

// kubectl decodes the objects into the Kubernetes API types offline: `kubectl kustomize` builds the
// kustomization, `kubectl set ... --local` decodes each object (an unknown apiVersion/kind, a wrong
// field type or a bad quantity fails) and prints it back, which drops fields the API does not have.
const haveKubectl = !spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error;
if (!haveKubectl) console.log('kubectl is not on PATH: skipping the kubectl checks of docker/k8s');

(haveKubectl ? describe : describe.skip)('deployment files: kubectl (offline)', () => {
  let home: string;
  const kubectl = (...args: string[]) => {
    const result = spawnSync('kubectl', args, {
      cwd: rootPath,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      // A configuration whose server cannot be reached: no command here may talk to a cluster.
      env: { ...process.env, KUBECONFIG: join(home, 'config'), HOME: home },
    });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr || result.error}`);
    return result.stdout;
  };

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'kubectl-'));
    writeFileSync(
      join(home, 'config'),
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: none, cluster: { server: "https://127.0.0.1:1" } }]',
        'contexts: [{ name: none, context: { cluster: none, user: none } }]',
        'users: [{ name: none, user: { token: none } }]',
        'current-context: none',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  /** Paths where `original` has a value that `printed` lacks or differs in. */
  function missing(original: unknown, printed: unknown, path = ''): string[] {
    if (Array.isArray(original)) {
      if (!Array.isArray(printed) || printed.length !== original.length) return [path];
      return original.flatMap((item, index) => missing(item, printed[index], `${path}[${index}]`));
    }
    if (original !== null && typeof original === 'object') {
      if (printed === null || typeof printed !== 'object') return [path];
      return Object.entries(original).flatMap(([key, value]) =>
        missing(value, (printed as Record<string, unknown>)[key], `${path}.${key}`),
      );
    }
    return original === printed ? [] : [path];
  }

  it('builds the kustomization', () => {
    const built = parseAllDocuments(kubectl('kustomize', 'docker/k8s')).map((document) => document.toJS());
    const [kustomization] = yamlDocuments('docker/k8s/kustomization.yaml');
    const expected = (kustomization.resources as string[]).map((file) => yamlDocuments(`docker/k8s/${file}`)[0].kind);
    expect(built.map((object) => object.kind).sort()).toEqual(expected.sort());
  });

  it.each(k8sFiles)('decodes %s into the Kubernetes API types', (file) => {
    kubectl('set', 'env', '--local', '--list', '-f', file);
  });

  it.each([
    ['docker/k8s/deployment.yaml', ['set', 'env', 'ROUNDTRIP_CHECK=1']],
    ['docker/k8s/migration-job.yaml', ['set', 'env', 'ROUNDTRIP_CHECK=1']],
    ['docker/k8s/service.yaml', ['set', 'selector', `${LABEL}=chat-backend,roundtrip=check`]],
  ])('%s has no field the API does not know', (file, command) => {
    const printed = parse(kubectl(...command, '--local', '-o', 'yaml', '-f', file));
    const original = yamlDocuments(file)[0];
    if (original.kind === 'Service') delete original.spec.selector;
    expect(missing(original, printed)).toEqual([]);
  });
});
