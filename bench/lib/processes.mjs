import { fork, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../dist/infra/embedded/free-port.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const CLOCK_TICKS_PER_SECOND = 100;
/** The last this many characters a process wrote are kept, to show when it fails. */
const OUTPUT_KEPT = 20_000;

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
export function cpuSeconds(pid) {
  try {
    return procStat(pid).own / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** utime, stime, cutime, cstime (clock ticks) and the parent pid of a process, from /proc (Linux). */
function procStat(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return {
    parent: fields[1],
    own: Number(fields[11]) + Number(fields[12]),
    reaped: Number(fields[13]) + Number(fields[14]),
  };
}

/**
 * CPU seconds used so far by the processes whose command name is `name` (a Postgres server and its
 * backends, say), counting the backends that have already exited: their time is in the CPU of
 * reaped children of the first process of the tree.
 */
export function cpuSecondsOfCommand(name) {
  const tree = new Map();
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name) tree.set(pid, procStat(pid));
    } catch {
      // The process ended while we looked.
    }
  }
  let ticks = 0;
  for (const stat of tree.values()) ticks += stat.own + (tree.has(stat.parent) ? 0 : stat.reaped);
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size of a process in bytes, from /proc (Linux); null elsewhere. */
export function rssBytes(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('VmRSS:'));
    return Number(line.split(/\s+/)[1]) * 1024;
  } catch {
    return null;
  }
}

const keepTail = (child) => {
  let output = '';
  const add = (chunk) => (output = (output + chunk.toString()).slice(-OUTPUT_KEPT));
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => output;
};

/** An app instance (`node dist/main.js`) on a free port, ready to serve; with `profileDir`, CPU-profiled. */
export async function startInstance(name, env, profileDir) {
  const port = await freePort();
  const profile = profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}-${port}.cpuprofile`]
    : [];
  const child = spawn(process.execPath, [...profile, MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = keepTail(child);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance ${name} exited at start:\n${output()}`);
    const ready = await fetch(`${url}/health/readiness`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`instance ${name} was not ready within 60 s:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    name,
    url,
    pid: child.pid,
    output,
    async metrics() {
      return (await fetch(`${url}/health/metrics`)).text();
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A load generator: a Node.js child process running one of `bench/workers/`, talked to over IPC.
 * `call(message)` sends a command and resolves with the worker's answer to it.
 */
export function startWorker(script, onProgress = () => {}) {
  const child = fork(fileURLToPath(new URL(`../workers/${script}`, import.meta.url)), [], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    execArgv: ['--max-old-space-size=4096'],
  });
  const output = keepTail(child);
  const waiting = new Map();
  let next = 0;
  child.on('message', (message) => {
    if (message.type === 'progress') return onProgress(message);
    const pending = waiting.get(message.replyTo);
    waiting.delete(message.replyTo);
    if (!pending) return;
    if (message.error) pending.reject(new Error(`${script}: ${message.error}`));
    else pending.resolve(message.result);
  });
  child.once('exit', (code) => {
    for (const pending of waiting.values()) {
      pending.reject(new Error(`${script} exited (${code}) while working:\n${output()}`));
    }
    waiting.clear();
  });
  return {
    pid: child.pid,
    call(command) {
      const id = (next += 1);
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ ...command, id });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Closes the sockets of `sockets.mjs` workers, then stops them; never throws (it runs in `finally`). */
export async function stopSocketWorkers(workers) {
  await Promise.allSettled(workers.map((worker) => worker.call({ cmd: 'close' })));
  await Promise.allSettled(workers.map((worker) => worker.stop()));
}

/** Runs a worker's command loop: each `{ cmd, id }` goes to `handlers[cmd]`, its result back as the reply. */
export function serveCommands(handlers) {
  process.on('message', async (message) => {
    try {
      const result = await handlers[message.cmd](message);
      process.send({ replyTo: message.id, result });
    } catch (error) {
      process.send({ replyTo: message.id, error: error instanceof Error ? error.stack : String(error) });
    }
  });
  process.on('SIGTERM', () => process.exit(0));
}

/** CPU this process used since it started, in seconds. */
export function ownCpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
