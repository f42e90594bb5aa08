import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@pforge/test-redis';
import { afterAll, expect, it } from 'vitest';

// The README's multi-instance example, run as pasted: the two ```js blocks of "Usage", with only
// the ports (3001, 3002) moved to free ones. The files are written inside the package so that
// their imports resolve as they would in an application.
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(root, 'test', '.readme-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function usageBlocks(): [string, string] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const usage = readme.slice(
    readme.indexOf('## Usage'),
    readme.indexOf('### Where the idempotency key'),
  );
  const blocks = [...usage.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks).toHaveLength(2);
  return [blocks[0]!, blocks[1]!];
}

function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('MCP server on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
}

it('the README multi-instance example runs as pasted', async () => {
  const [server, client] = usageBlocks();
  const ports = [String(await freePort()), String(await freePort())];
  const move = (code: string) => code.replaceAll('3001', ports[0]!).replaceAll('3002', ports[1]!);
  writeFileSync(join(dir, 'server.mjs'), server);
  writeFileSync(join(dir, 'client.mjs'), move(client));
  for (const port of ports) {
    const child = spawn(process.execPath, ['server.mjs', port], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await listening(child);
  }
  const { stdout } = await promisify(execFile)(process.execPath, ['client.mjs'], {
    cwd: dir,
    timeout: 30_000,
  });
  expect(stdout).toMatch(/^open_cart: cart_[A-Za-z0-9_-]{32}/m);
  expect(stdout).toMatch(/^add_item: apples, pears/m);
  expect(stdout).toMatch(/^checkout: order #1 \(apples, pears\) .*\[executed\]$/m);
  expect(stdout).toMatch(/^checkout: order #1 \(apples, pears\) .*\[replayed\]$/m);
  expect(stdout).toMatch(/^notified: shop:\/\/orders$/m);
}, 60_000);
