import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};

describe('the pforge-state bin', () => {
  it('is a committed file (linkable before dist/ is built) that runs the CLI', async () => {
    const bin = new URL(`../${pkg.bin['pforge-state']}`, import.meta.url);
    expect(readFileSync(bin, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    const { stdout } = await promisify(execFile)(process.execPath, [bin.pathname, '--version']);
    expect(stdout.trim()).toBe(pkg.version);
  });
});
