import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createLmdbState } from '../src/index.js';
import { CHILD, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const dec = new TextDecoder();

/** Starts a writer, SIGKILLs it once it has acknowledged `atLeast` keys; resolves what it printed. */
function writeThenKill(path: string, prefix: string, atLeast: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, 'write-forever', path, prefix], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // Kill at a random moment past the threshold, mid-stream.
      if (!killed && out.split('\n').length > atLeast && Math.random() < 0.3) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL')
        return reject(new Error(`writer exited without SIGKILL (${signal})`));
      // A partial last line was not acknowledged as a whole: keep complete lines only.
      resolve(out.split('\n').slice(0, -1));
    });
  });
}

describe('a process killed mid-write', () => {
  it('loses no acknowledged write, and the directory reopens cleanly (4 rounds)', async () => {
    const path = tempDir('crash');
    const printed: string[] = [];
    for (let round = 0; round < 4; round++) {
      printed.push(...(await writeThenKill(path, `r${round}-`, 100 + round * 50)));
      await using state = await createLmdbState({ path, namespace: 'mp', sweepIntervalMs: 0 });
      expect(printed.length).toBeGreaterThanOrEqual(100);
      const values = await state.getMany(printed);
      const missing = printed.filter((_, i) => values[i] === undefined);
      expect(missing).toEqual([]);
      printed.forEach((key, i) => {
        expect(dec.decode(values[i])).toBe(`value-${key.split('-')[1]}`);
      });
      // Every third key carries a TTL: its expiry survived too.
      expect(await state.ttl(`r${round}-0`)).toBeGreaterThan(3_000_000);
      // The store still takes writes after the crash.
      await state.set('after-crash', new Uint8Array([round]));
      expect(await state.get('after-crash')).toEqual(new Uint8Array([round]));
    }
  }, 120_000);
});
