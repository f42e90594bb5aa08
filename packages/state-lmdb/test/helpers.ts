import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The child script; it imports the built package (turbo builds before test). */
export const CHILD = fileURLToPath(new URL('./fixtures/child.mjs', import.meta.url));

const dirs: string[] = [];

/** A fresh temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(label = 'test'): string {
  const dir = mkdtempSync(join(tmpdir(), `pforge-lmdb-${label}-`));
  dirs.push(dir);
  return dir;
}

/** Removes every directory made by {@link tempDir}. */
export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Random printable key material. */
export const randomKey = (prefix = 'k') => `${prefix}-${Math.random().toString(36).slice(2)}`;

/** Runs the child script to completion; resolves its stdout, rejects on a non-zero exit. */
export function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`)),
    );
  });
}

/** A child serving get/set requests over IPC. */
export interface Server {
  child: ChildProcess;
  request(msg: {
    op: 'get' | 'set';
    key: string;
    value?: string;
  }): Promise<{ value?: string | null }>;
  stop(): Promise<void>;
}

/** Forks the child in `serve` mode on `path`; resolves once it is ready. */
export function startServer(path: string): Promise<Server> {
  const child = fork(CHILD, ['serve', path], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, (m: { value?: string | null }) => void>();
  let nextId = 0;
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: { ready?: boolean; id?: number; value?: string | null }) => {
      if (m.ready) {
        resolve({
          child,
          request: (msg) =>
            new Promise((res) => {
              const id = nextId++;
              pending.set(id, res);
              child.send({ ...msg, id });
            }),
          stop: () =>
            new Promise((res) => {
              child.once('exit', () => res());
              child.send({ op: 'exit' });
            }),
        });
      } else if (m.id !== undefined) {
        pending.get(m.id)?.(m);
        pending.delete(m.id);
      }
    });
  });
}
