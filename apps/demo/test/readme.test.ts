import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerInstance } from '../src/client/instances.js';
import { assertBuilt, startHttpServer, tempDir, writeConfig } from './helpers.js';

const README = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

/** The fenced block of `lang` that starts with `firstLine`, and the block right after it. */
function blockAndOutput(lang: string, firstLine: string): [string, string] {
  const start = README.indexOf(`\`\`\`${lang}\n${firstLine}`);
  const code = README.slice(README.indexOf('\n', start) + 1, README.indexOf('\n```', start) + 1);
  const outStart = README.indexOf('```text\n', start);
  const output = README.slice(outStart + 8, README.indexOf('\n```', outStart) + 1);
  return [code, output];
}

describe('the README', () => {
  const cleanup: (() => unknown)[] = [];
  beforeAll(assertBuilt);
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it('round-robin client runs as pasted against two instances and prints what it shows', async () => {
    const [code, expected] = blockAndOutput('js', '// client.mjs');
    expect(code).toContain("const ports = ['3001', '3002'];");
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const config = writeConfig(tmp.dir, 'backend: lmdb\npath: ./state');
    const instances: ServerInstance[] = await Promise.all([
      startHttpServer(config),
      startHttpServer(config),
    ]);
    cleanup.push(() => Promise.all(instances.map((i) => i.stop())));
    const [a, b] = instances.map((i) => new URL(i.url).port);
    // Saved in apps/demo (where @modelcontextprotocol/client resolves), ports swapped in.
    const dir = fileURLToPath(new URL(`../.tmp/readme-${process.pid}/`, import.meta.url));
    mkdirSync(dir, { recursive: true });
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(`${dir}client.mjs`, code.replaceAll('3001', a!).replaceAll('3002', b!));
    const child = spawn(process.execPath, [`${dir}client.mjs`], { stdio: 'pipe' });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exit = await new Promise((resolve) => child.once('close', resolve));
    expect(exit, err).toBe(0);
    expect(out).toBe(expected);
  });
});
