import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createLmdbState } from '../src/index.js';
import { CHILD, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const dec = new TextDecoder();

/** Starts a writer, SIGKILLs it once it has acknowledged `atLeast` lines; resolves what it printed. */
function writeThenKill(args: string[], atLeast: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], {
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
      printed.push(
        ...(await writeThenKill(['write-forever', path, `r${round}-`], 100 + round * 50)),
      );
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

describe('a process killed in the middle of group commits', () => {
  it('loses no acknowledged call and applies no group in part (4 rounds)', async () => {
    for (let round = 0; round < 4; round++) {
      const path = tempDir('crash-groups');
      const acked = (await writeThenKill(['write-groups', path, '8'], 200)).map(Number);
      await using state = await createLmdbState({ path, namespace: 'mp', sweepIntervalMs: 0 });
      const written = new Set<number>();
      for await (const key of state.keys({ prefix: 'a:' })) written.add(Number(key.slice(2)));
      // Every acknowledged iteration is there, whole.
      for (const i of acked) expect(written.has(i), `iteration ${i}`).toBe(true);
      // Every iteration that is there at all is whole: its five writes shared one commit.
      for (const i of written) {
        const got = await state.getMany([`a:${i}`, `b:${i}`, `c:${i}:0`, `c:${i}:2`, `d:${i}`]);
        expect(
          got.map((v) => dec.decode(v)),
          `iteration ${i}`,
        ).toEqual([`a-${i}`, `b-${i}`, `c-${i}`, `c-${i}`, `d-${i}`]);
        expect(await state.ttl(`b:${i}`)).toBeGreaterThan(3_000_000);
      }
      // One increment per iteration present: none lost, none from a lost group.
      expect(await state.increment('ctr', 0)).toBe(written.size);
      expect(written.size).toBeGreaterThanOrEqual(acked.length);
    }
  }, 120_000);
});
