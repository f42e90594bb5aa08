import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, tempDir, writeConfig } from './helpers.js';

const DEMO = fileURLToPath(new URL('../dist/demo.js', import.meta.url));

function runDemo(config: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [DEMO, '--config', config], { stdio: 'pipe' });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out })));
}

describe('the demo transcript (pnpm demo)', () => {
  let remove: (() => void) | undefined;
  beforeAll(assertBuilt);
  afterEach(() => remove?.());

  it('shows each step, and a second run continues the counter', async () => {
    const tmp = tempDir();
    remove = tmp.remove;
    const config = writeConfig(tmp.dir, 'backend: lmdb\npath: ./state');
    const first = await runDemo(config);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(/state: lmdb, namespace "pforge", 0 keys so far/);
    expect(first.out).toMatch(/-> 1 .*\n.*-> 2 .*\n.*-> 3 /);
    expect(first.out).toMatch(/session_get -> \{"user":"ada","cart":\["tea"\]\}/);
    expect(first.out).toMatch(/call 4: refused, limit 3 per 10 s; retry in \d+\.\d s/);
    expect(first.out).toMatch(/first call .*cache miss: computed/);
    expect(first.out).toMatch(/second call .*cache hit: read from the state/);
    expect(first.out).toMatch(/counter \{action: "double"\} -> error: .*Input validation error/);
    expect(first.out).toContain('Run `pnpm demo` again');
    expect(first.out).not.toMatch(/^\s+at /m);

    const second = await runDemo(config);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/-> 4 .*\n.*-> 5 .*\n.*-> 6 /);
  });

  it('prints the server error and exits 1 when the server cannot start', async () => {
    const tmp = tempDir();
    remove = tmp.remove;
    const r = await runDemo(writeConfig(tmp.dir, 'backend: lmdb'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /The server did not start:\npforge-demo: cannot open the state: ERR_STATE_CONFIG/,
    );
  });
});
