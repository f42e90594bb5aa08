import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { rkey } from './targets.js';

const worker = fileURLToPath(new URL('./fixtures/lmdb-worker.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pforge-patterns-procs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Worker {
  child: ChildProcess;
  /** Resolves once the worker has opened the environment (or has exited). */
  ready: Promise<void>;
  done: Promise<{ admitted: number; count: number }>;
}

function start(args: string[]): Worker {
  const child = spawn(process.execPath, [worker, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onReady = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout!.on('data', (d) => {
    out += d;
    if (out.includes('ready\n')) onReady();
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const done = new Promise<{ admitted: number; count: number }>((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker exited ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!));
    });
  });
  done.catch(() => {}); // observed by the test; never an unhandled rejection meanwhile
  return { child, ready: Promise.race([ready, done.then(() => {})]), done };
}

describe('lmdb, 3 processes on one path', () => {
  it.each(['fixed', 'sliding', 'token'])(
    '%s limiter: limit 50, 3 × 100 concurrent calls admit exactly 50',
    async (algorithm) => {
      const prefix = `${rkey('procs')}:`;
      const path = join(dir, 'db');
      const workers = [0, 1, 2].map(() => start([path, prefix, algorithm, '100']));
      await Promise.all(workers.map((w) => w.ready)); // each has opened the environment
      for (const w of workers) w.child.stdin!.end('go\n');
      const results = await Promise.all(workers.map((w) => w.done));
      expect(results.reduce((sum, r) => sum + r.admitted, 0)).toBe(50);
      expect(Math.max(...results.map((r) => r.count))).toBe(300); // the counter lost no increment
    },
    60_000,
  );
});
