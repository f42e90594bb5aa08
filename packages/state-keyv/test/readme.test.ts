import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, inject, it } from 'vitest';
import { redisTargets } from './targets.js';

const run = promisify(execFile);
const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const blocks = [
  ...readFileSync(join(pkg, 'README.md'), 'utf8').matchAll(/```js\n([\s\S]*?)```/g),
].map((m) => m[1]!);

it('the README has its three plain-JS examples', () => {
  expect(blocks).toHaveLength(3);
});

// Each example runs as pasted, as an .mjs file on this Node, against the built package (the
// file sits inside the package, under .tmp, so `@pforge/state-keyv` resolves to its dist).
for (const [i, code] of blocks.entries()) {
  const needsRedis = code.includes('@pforge/state-redis');
  it.skipIf(needsRedis && redisTargets().length === 0)(
    `README example ${i + 1} runs as pasted`,
    async () => {
      const dir = mkdtempSync(join(pkg, '.tmp-readme-'));
      try {
        const file = join(dir, `example-${i + 1}.mjs`);
        writeFileSync(file, code);
        const env = { ...process.env, REDIS_URL: needsRedis ? inject('redisUrl') : '' };
        const { stdout, stderr } = await run(process.execPath, [file], {
          cwd: dir,
          env,
          timeout: 30_000,
        });
        expect(stderr).toBe('');
        expect(stdout).toMatch(/Ada|hi/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}
