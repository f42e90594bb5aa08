import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callTool } from '../src/client/tool-call.js';
import { assertBuilt, connectStdio, runToExit, tempDir, writeConfig } from './helpers.js';

describe('graceful shutdown', () => {
  let cleanup: (() => unknown)[] = [];
  beforeAll(assertBuilt);
  afterEach(async () => {
    for (const f of cleanup.reverse()) await f();
    cleanup = [];
  });

  it('on SIGTERM finishes the calls in progress, closes the state and loses no acknowledged write', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const config = writeConfig(tmp.dir, 'backend: lmdb\npath: ./state');
    const s = await connectStdio(['--config', config]);
    cleanup.push(() => s.close());

    // Five callers keep incrementing until the server stops answering; SIGTERM lands midway.
    let acked = 0;
    let successes = 0;
    const refusals: string[] = [];
    const worker = async () => {
      for (;;) {
        try {
          const r = await callTool(s.client, 'counter', { action: 'increment', name: 'n' });
          if (r.isError) {
            refusals.push(r.text);
            continue;
          }
          successes++;
          acked = Math.max(acked, r.data.value as number);
        } catch {
          return; // the connection closed
        }
      }
    };
    const workers = Array.from({ length: 5 }, worker);
    while (acked < 50) await sleep(1);
    process.kill(s.transport.pid!, 'SIGTERM');
    await Promise.all(workers);
    for (let i = 0; i < 100 && !s.stderr().includes('state closed'); i++) await sleep(50);
    expect(s.stderr()).toMatch(/SIGTERM: shutting down[\s\S]*state closed/);
    expect(acked).toBeGreaterThanOrEqual(50);

    const again = await connectStdio(['--config', config]);
    cleanup.push(() => again.close());
    const value = (await callTool(again.client, 'counter', { action: 'get', name: 'n' })).data
      .value;
    // Every answered increment is on disk (and no unanswered one was half-applied).
    expect(value).toBeGreaterThanOrEqual(acked);
    expect(value).toBe(successes);
    for (const text of refusals) expect(text).toMatch(/shutting down/);
  });

  it('exits 0 with the state closed when the stdio client goes away', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const config = writeConfig(tmp.dir, 'backend: lmdb\npath: ./state');
    const r = await runToExit(['--config', config]); // stdin is closed at once
    expect(r.stderr).toMatch(/stdin closed: shutting down[\s\S]*state closed/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });
});
