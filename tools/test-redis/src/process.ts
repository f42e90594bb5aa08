import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RespError, rawCommand } from './resp.js';

/** The redis-server binary: `$REDIS_SERVER_BIN` or `redis-server` on the PATH. */
export const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN || 'redis-server';

/** The redis-cli binary: `$REDIS_CLI_BIN`, else next to `$REDIS_SERVER_BIN`, else on the PATH. */
export const REDIS_CLI_BIN =
  process.env.REDIS_CLI_BIN ||
  (process.env.REDIS_SERVER_BIN
    ? join(dirname(process.env.REDIS_SERVER_BIN), 'redis-cli')
    : 'redis-cli');

const live = new Map<number, ChildProcess>();
const dirs = new Set<string>();
const usedPorts = new Set<number>();

function killAll(): void {
  for (const [pid] of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}
process.once('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAll();
    process.kill(process.pid, sig);
  });
}

/** A fresh temp dir, removed when the process exits (or by {@link removeDir}). */
export function makeDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `pforge-${prefix}-`));
  dirs.add(d);
  return d;
}

/** Removes a dir made by {@link makeDir}. */
export function removeDir(d: string): void {
  rmSync(d, { recursive: true, force: true });
  dirs.delete(d);
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * A free loopback port whose cluster bus port (`port + 10000`) is free too, never handed out
 * twice by this process. Random in 20000–54999, so parallel test processes rarely collide
 * (a start that loses the race is retried on another port by the callers).
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20000 + Math.floor(Math.random() * 35000);
    if (usedPorts.has(port)) continue;
    if ((await canBind(port)) && (await canBind(port + 10000))) {
      usedPorts.add(port);
      return port;
    }
  }
  throw new Error('@pforge/test-redis: no free loopback port found');
}

/** One running server process. */
export interface ServerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
}

/** Spawns `redis-server <args>` and tracks it so it is killed when this process exits. */
export function spawnServer(args: readonly string[]): ServerProcess {
  const child = spawn(REDIS_SERVER_BIN, args, { stdio: 'ignore' });
  if (child.pid === undefined)
    throw new Error(`@pforge/test-redis: could not start ${REDIS_SERVER_BIN}`);
  const pid = child.pid;
  live.set(pid, child);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(pid);
      resolve();
    });
    child.once('error', () => {
      live.delete(pid);
      resolve();
    });
  });
  return { pid, child, exited };
}

/** Sends `signal` to the process by PID and waits for it to exit (SIGKILL after `graceMs`). */
export async function stopProcess(
  p: ServerProcess,
  signal: NodeJS.Signals,
  graceMs = 5000,
): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  try {
    process.kill(p.pid, signal);
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }, graceMs);
  await p.exited;
  clearTimeout(timer);
}

/**
 * Waits until the server on `port` answers PING (an auth error counts as up; `LOADING` does
 * not). Rejects with the tail of `logFile` when the process exits or `timeoutMs` passes.
 */
export async function waitReady(
  port: number,
  p: ServerProcess,
  logFile: string,
  timeoutMs = 15000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) {
      throw new Error(
        `@pforge/test-redis: redis-server on port ${port} exited:\n${logTail(logFile)}`,
      );
    }
    try {
      const reply = await rawCommand(port, ['PING'], { timeoutMs: 1000 });
      if (!(reply instanceof RespError) || !reply.message.startsWith('LOADING')) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopProcess(p, 'SIGKILL');
      throw new Error(
        `@pforge/test-redis: redis-server on port ${port} not ready after ${timeoutMs} ms:\n${logTail(logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 30));
  }
}

/** The last lines of a log file (for error messages). */
export function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Whether the log says the port was taken (so the caller retries on another one). */
export function portTaken(file: string): boolean {
  return /Address already in use|Could not create server TCP listening socket/i.test(
    logTail(file, 40),
  );
}

/** Runs redis-cli synchronously; throws with its output on failure. */
export function runCli(args: readonly string[], timeoutMs = 30000): string {
  const r = spawnSync(REDIS_CLI_BIN, args, { encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) {
    throw new Error(
      `@pforge/test-redis: redis-cli ${args.join(' ')} failed: ${r.error?.message ?? ''}\n${r.stdout}\n${r.stderr}`,
    );
  }
  return r.stdout;
}
