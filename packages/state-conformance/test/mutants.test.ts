import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MUTANTS } from './mutants/mutants.js';

interface JsonReport {
  testResults: {
    name: string;
    assertionResults: { ancestorTitles: string[]; title: string; status: string }[];
  }[];
}

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs the suite on every mutant in a child vitest and returns the failed tests per mutant. */
function runMutants(): Map<string, string[][]> {
  const vitestDir = dirname(createRequire(import.meta.url).resolve('vitest/package.json'));
  const out = mkdtempSync(join(tmpdir(), 'pforge-mutants-'));
  const file = join(out, 'report.json');
  try {
    spawnSync(
      process.execPath,
      [
        join(vitestDir, 'vitest.mjs'),
        'run',
        '--config',
        'test/mutants/vitest.config.ts',
        '--reporter=json',
        `--outputFile=${file}`,
      ],
      { cwd: pkgDir, stdio: 'ignore', timeout: 170_000 },
    );
    const report = JSON.parse(readFileSync(file, 'utf8')) as JsonReport;
    const failed = new Map<string, string[][]>();
    for (const r of report.testResults) {
      const name = /([^/]+)\.mutant\.ts$/.exec(r.name)![1]!;
      failed.set(
        name,
        r.assertionResults
          .filter((a) => a.status === 'failed')
          .map((a) => [...a.ancestorTitles.slice(1), a.title]),
      );
    }
    return failed;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe('the suite catches deliberately broken backends', () => {
  let failed: Map<string, string[][]>;
  it('runs the suite on every mutant (child vitest)', { timeout: 180_000 }, () => {
    failed = runMutants();
    expect([...failed.keys()].sort()).toEqual(Object.keys(MUTANTS).sort());
  });
  for (const [name, mutant] of Object.entries(MUTANTS)) {
    it(`mutant "${name}" fails at least one "${mutant.caughtBy}" test`, () => {
      const mine = failed.get(name) ?? [];
      expect(
        mine.filter((path) => path[0] === mutant.caughtBy).map((p) => p.join(' > ')),
        JSON.stringify(mine.map((p) => p.join(' > '))),
      ).not.toEqual([]);
    });
  }
});
