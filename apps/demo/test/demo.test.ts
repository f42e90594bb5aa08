import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, childEnv, tempDir, writeConfig } from './helpers.js';

const DEMO = fileURLToPath(new URL('../dist/demo.js', import.meta.url));

function runDemo(config: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [DEMO, '--config', config], {
    env: childEnv(),
    stdio: 'pipe',
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out })));
}

describe('the demo transcript (pnpm demo)', () => {
  let remove: (() => void) | undefined;
  beforeAll(assertBuilt);
  afterEach(() => remove?.());

  it('shows two instances on one store, each step, and a second run continues the counter', async () => {
    const tmp = tempDir();
    remove = tmp.remove;
    const config = writeConfig(tmp.dir, 'backend: lmdb\npath: ./state');
    const first = await runDemo(config);
    expect(first.code, first.out).toBe(0);
    const out = first.out;
    expect(out).toMatch(
      /Started 2 instances .*\n {2}A {2}http:\/\/127\.0\.0\.1:\d+\/mcp .*\n {2}B {2}http/,
    );
    expect(out).toMatch(/state: lmdb, namespace "pforge", 0 keys so far/);
    // The counter alternates between the instances and stays exact.
    expect(out).toMatch(/counter increment "visits": [AB] -> 1, [AB] -> 2, [AB] -> 3, [AB] -> 4\n/);
    expect(out).toContain('100 distinct answers, 5 to 104 (none lost, none twice)');
    expect(out).toContain('counter get "visits": A -> 104, B -> 104');
    expect(out).toMatch(
      /session_create .* on ([AB]) -> session_.*\n.*session_get on (?!\1)[AB] -> \{"user":"ada","cart":\["tea"\]\}/,
    );
    expect(out).toMatch(/then session_get on [AB] -> found: false/);
    expect(out).toContain(
      '1 executed, 3 replayed; each answer: moved 5 from "alice" (now -5) to "bob" (now 5)',
    );
    expect(out).toMatch(/amount 50 -> key_reused: /);
    expect(out).toMatch(
      /counter increment "visits" on B -> 105\n.*listener on A got notifications\/resources\/updated \(value 105\)/,
    );
    expect(out).toMatch(
      /A allowed \(2 left\), B allowed \(1 left\), A allowed \(0 left\), B refused \(retry in \d+\.\d s\)/,
    );
    expect(out).toMatch(
      /nth_prime .* on A -> .*computed.*\n.*nth_prime .* on B -> .*read from the cache/,
    );
    // LMDB is built on core's base, so its calls reach state_stats through the tracing channels.
    expect(out).toMatch(/A \(pid \d+\): \d+ tool calls; \d+ lmdb calls \(.*increment \d+/);
    expect(out).toMatch(/B \(pid \d+\): \d+ tool calls; \d+ lmdb calls \(/);
    expect(out).toContain('Stopped both instances (each closed its state cleanly).');
    expect(out).toContain('Run `pnpm demo` again');
    expect(out).not.toMatch(/^\s+at /m);

    const second = await runDemo(config);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/-> 106, [AB] -> 107, [AB] -> 108, [AB] -> 109\n/);
    expect(second.out).toContain('moved 5 from "alice" (now -10) to "bob" (now 10)');
  });

  it('prints the server error and exits 1 when the server cannot start', async () => {
    const tmp = tempDir();
    remove = tmp.remove;
    const r = await runDemo(writeConfig(tmp.dir, 'backend: lmdb'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /The server did not start:\n.*\npforge-demo: cannot open the state: ERR_STATE_CONFIG/,
    );
  });

  it('explains that the memory backend cannot be shared, and exits 1', async () => {
    const tmp = tempDir();
    remove = tmp.remove;
    const r = await runDemo(writeConfig(tmp.dir, 'backend: memory'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('two instances cannot share it');
    expect(r.out).toContain('Stopped both instances');
  });
});
