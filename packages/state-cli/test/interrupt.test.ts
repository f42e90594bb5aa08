import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry } from '@pforge/state-core';
import { skipWithoutRedis } from '@pforge/test-redis';
import { describe, expect, it } from 'vitest';
import {
  countLive,
  finish,
  makeTarget,
  run,
  snapshot,
  start,
  type Target,
  tempDir,
  using,
  writeConfig,
} from './helpers.js';

const N = 40_000;
const BATCH = 100;
// Plain progress lines every 50 ms tell the test how far a run got.
const env = { PFORGE_STATE_PROGRESS_MS: '50' };

function dumpFile(dir: string): string {
  const file = join(dir, 'dump.ndjson');
  const lines = Array.from({ length: N }, (_, i) =>
    JSON.stringify({
      key: `k${i}`,
      value: Buffer.from(`value ${i}`).toString('base64'),
      expiresAt: null,
    }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Resolves once the child's progress lines show at least `min` done. */
function progressed(child: ChildProcess, min: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      for (const m of text.matchAll(/ ([\d,]+)(?:\/[\d,]+)? (?:entries|keys) \|/g)) {
        if (Number(m[1]!.replaceAll(',', '')) >= min) {
          child.stderr?.off('data', onData);
          resolve();
          return;
        }
      }
    };
    child.stderr?.on('data', onData);
    child.on('exit', () => reject(new Error(`exited before ${min} were done: ${text}`)));
  });
}

async function expectRestored(target: Target): Promise<void> {
  const snap = await using(target.open, snapshot);
  expect(snap.size).toBe(N);
  for (let i = 0; i < N; i += 997) expect(snap.get(`k${i}`)?.value.toString()).toBe(`value ${i}`);
}

describe('stopping long work', () => {
  it('a restore killed (SIGKILL) midway left whole batches only, and a re-run completes it', async () => {
    const dir = tempDir();
    const target = makeTarget('lmdb', dir);
    writeConfig(dir, 'pforge.yaml', target.block);
    const file = dumpFile(dir);
    const child = start(['restore', file, '-b', String(BATCH)], { cwd: dir, env });
    const done = finish(child);
    await progressed(child, 2000);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const partial = await using(target.open, countLive);
    expect(partial).toBeGreaterThanOrEqual(2000);
    expect(partial).toBeLessThan(N);
    expect(partial % BATCH).toBe(0);

    const rerun = await run(['restore', file, '-b', String(BATCH), '--json'], { cwd: dir });
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({
      entries: N,
      skipped: partial,
      written: N - partial,
    });
    await expectRestored(target);
  });

  describe.skipIf(skipWithoutRedis())('Ctrl-C (SIGINT)', () => {
    it('stops a restore after the batch in flight, says how far it got, and exits 130', async () => {
      const dir = tempDir();
      const target = makeTarget('redis', dir);
      writeConfig(dir, 'pforge.yaml', target.block);
      const child = start(['restore', '-b', String(BATCH), '--json'], { cwd: dir, env });
      // Piped, not a file: restore keeps a temporary copy to read it twice.
      const done = finish(child, readFileSync(dumpFile(dir)));
      await progressed(child, 2000);
      child.kill('SIGINT');
      const r = await done;
      expect(r.code).toBe(130);
      expect(r.stderr).toContain('stopping after the batch in flight');
      const summary = JSON.parse(r.stdout);
      expect(summary).toMatchObject({ interrupted: true, entries: N, skipped: 0 });
      expect(summary.written % BATCH).toBe(0);
      expect(summary.written).toBeLessThan(N);
      expect(await using(target.open, countLive)).toBe(summary.written);

      const rerun = await run(['restore', '-b', String(BATCH)], {
        cwd: dir,
        stdinFile: join(dir, 'dump.ndjson'),
      });
      expect(rerun.code).toBe(0);
      await expectRestored(target);
    });

    it('stops a migrate the same way; the re-run copies the rest', async () => {
      const dir = tempDir();
      const [from, to] = [makeTarget('lmdb', dir), makeTarget('redis', dir)];
      writeConfig(dir, 'from.yaml', from.block);
      writeConfig(dir, 'to.yaml', to.block);
      const list: Entry[] = Array.from({ length: N }, (_, i) => ({
        key: `k${i}`,
        value: Buffer.from(`value ${i}`),
      }));
      await using(from.open, (s) => s.setMany(list));
      const args = ['migrate', '--from', 'from.yaml', '--to', 'to.yaml', '-b', String(BATCH)];
      const child = start(args, { cwd: dir, env });
      const done = finish(child);
      await progressed(child, 2000);
      child.kill('SIGINT');
      const r = await done;
      expect(r.code).toBe(130);
      const m = /^migrate interrupted by Ctrl-C after ([\d,]+) keys: ([\d,]+) copied/m.exec(
        r.stdout,
      );
      expect(m, r.stdout).not.toBeNull();
      const copied = Number(m![2]!.replaceAll(',', ''));
      expect(copied % BATCH).toBe(0);
      expect(await using(to.open, countLive)).toBe(copied);
      const rerun = JSON.parse((await run([...args, '--verify', '--json'], { cwd: dir })).stdout);
      expect(rerun).toMatchObject({
        copied: N - copied,
        skipped: copied,
        verify: { mismatched: 0 },
      });
    });
  });
});
