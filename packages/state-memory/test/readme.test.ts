import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatOptionsTable } from '@pforge/state-core/backend';
import { describe, expect, it } from 'vitest';
import { memoryOptions } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');

describe('README', () => {
  it('holds the options table generated from the declaration', () => {
    const table = /<!-- options:start memoryOptions -->\n([\s\S]*?)\n<!-- options:end -->/.exec(
      readme,
    )?.[1];
    expect(table).toBe(formatOptionsTable(memoryOptions));
  });

  it('every JavaScript example runs as pasted on this Node (against the built package)', () => {
    const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const code of blocks) {
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
        cwd: root,
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).not.toBe(''); // each example prints what it shows
    }
  });
});
