import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { StateManager } from '@pforge/state-core';
import { createLmdbState } from '@pforge/state-lmdb';
import { createRedisState } from '@pforge/state-redis';
import { afterEach, expect, inject } from 'vitest';
import { runCli } from '../src/program.js';

/** The built bin the tests run, as a user would. */
export const BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** What a finished run of the bin printed and returned. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link run}. */
export interface RunOptions {
  cwd: string;
  /** Written to stdin (a pipe), then closed. */
  input?: string | Buffer;
  /** A file opened as stdin (a regular file, as with `< file`). */
  stdinFile?: string;
  env?: Record<string, string>;
}

/** Starts the bin; the caller waits with {@link finish}. */
export function start(args: readonly string[], o: RunOptions): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    stdio: 'pipe',
  });
  return child;
}

/** Collects a started child's output and waits for it to exit. */
export function finish(child: ChildProcess, input?: string | Buffer): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  child.stdin?.on('error', () => {}); // the child may exit before reading everything
  child.stdin?.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the bin to its end. */
export function run(args: readonly string[], o: RunOptions): Promise<RunResult> {
  if (o.stdinFile) return runWithFileStdin(args, o);
  return finish(start(args, o), o.input ?? '');
}

async function runWithFileStdin(args: readonly string[], o: RunOptions): Promise<RunResult> {
  const { openSync, closeSync } = await import('node:fs');
  const fd = openSync(o.stdinFile!, 'r');
  try {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: o.cwd,
      env: { ...process.env, ...o.env },
      stdio: [fd, 'pipe', 'pipe'],
    });
    return await finish(child);
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs the CLI in this process (runCli on in-memory streams): for behaviour that is not about
 * the process itself, and much cheaper than a spawn on a loaded machine.
 */
export async function runIn(
  args: readonly string[],
  o: { cwd: string; input?: string | Buffer },
): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  stderr.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  const code = await runCli(args, {
    stdin: Readable.from([Buffer.from(o.input ?? '')]),
    stdout,
    stderr,
    cwd: o.cwd,
    env: process.env,
  });
  return { code, signal: null, stdout: out, stderr: err };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the test. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pforge-cli-test-'));
  dirs.push(d);
  return d;
}

/** Writes a pforge YAML file with `state:` set to `block` (JSON is valid YAML). */
export function writeConfig(dir: string, name: string, block: Record<string, unknown>): string {
  const file = join(dir, name);
  writeFileSync(file, `# test config\nstate: ${JSON.stringify(block)}\n`);
  return file;
}

let seq = 0;
/** A namespace no other test uses. */
export const freshNamespace = (): string => `cli-${process.pid}-${++seq}-${Date.now()}`;

/** A backend the process tests run against, opened from a config file and in-process. */
export interface Target {
  name: 'lmdb' | 'redis';
  /** The `state:` block. */
  block: Record<string, unknown>;
  /** The same store, opened in the test process. */
  open(): Promise<StateManager>;
}

/** A fresh LMDB store in `dir`, or a fresh namespace on the shared redis-server. */
export function makeTarget(name: 'lmdb' | 'redis', dir: string): Target {
  const namespace = freshNamespace();
  if (name === 'lmdb') {
    const path = join(dir, `lmdb-${namespace}`);
    return {
      name,
      block: { backend: 'lmdb', path, namespace },
      open: () => createLmdbState({ path, namespace }),
    };
  }
  const url = inject('redisUrl');
  return {
    name,
    block: { backend: 'redis', url, namespace },
    open: () => createRedisState({ url, namespace }),
  };
}

/** A live key as read back: its bytes and absolute expiry (epoch ms, or null). */
export interface Snap {
  value: Buffer;
  expiresAt: number | null;
}

/**
 * Every live key of `state` with its value and absolute expiry, read in chunks of 1,000 (the
 * clock is read before each chunk, so an expiry is at most one chunk's reading time early).
 */
export async function snapshot(state: StateManager): Promise<Map<string, Snap>> {
  const keys: string[] = [];
  for await (const key of state.keys()) keys.push(key);
  const out = new Map<string, Snap>();
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    const now = Date.now();
    const [values, ttls] = await Promise.all([
      state.getMany(chunk),
      Promise.all(chunk.map((k) => state.ttl(k))),
    ]);
    chunk.forEach((key, j) => {
      const value = values[j];
      const ttl = ttls[j];
      if (value === undefined || ttl === undefined) return;
      out.set(key, { value: Buffer.from(value), expiresAt: ttl === null ? null : now + ttl });
    });
  }
  return out;
}

/** Expects `b` to hold exactly the keys and bytes of `a`, each expiry within `slackMs`. */
export function expectSameContent(
  a: Map<string, Snap>,
  b: Map<string, Snap>,
  slackMs = 1000,
): void {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  let worst = 0;
  for (const [key, x] of a) {
    const y = b.get(key)!;
    if (!x.value.equals(y.value)) expect({ key, value: y.value }).toEqual({ key, value: x.value });
    if ((x.expiresAt === null) !== (y.expiresAt === null)) {
      expect({ key, expiresAt: y.expiresAt }).toEqual({ key, expiresAt: x.expiresAt });
    }
    if (x.expiresAt !== null) worst = Math.max(worst, Math.abs(x.expiresAt - y.expiresAt!));
  }
  expect(worst).toBeLessThanOrEqual(slackMs);
}

/** Counts the live keys of `state`. */
export async function countLive(state: StateManager): Promise<number> {
  let n = 0;
  for await (const _ of state.keys()) n++;
  return n;
}

/** Runs `fn` with `state` open, closing it after. */
export async function using<T>(
  open: () => Promise<StateManager>,
  fn: (s: StateManager) => Promise<T>,
): Promise<T> {
  const s = await open();
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}
