#!/usr/bin/env node
/**
 * Keeps the options tables of a package README in step with the package's option
 * declarations (`defineOptions`). A table sits between two markers naming the exported
 * declaration:
 *
 *   <!-- options:start lmdbOptions -->
 *   ...generated...
 *   <!-- options:end -->
 *
 * Usage: node tools/scripts/options-table.mjs <package dir>... [--check]
 * With --check it changes nothing and exits 1 when a table is out of date (CI runs this from
 * each package's `lint` script, after the build).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const BLOCK = /<!-- options:start (\w+) -->\n[\s\S]*?<!-- options:end -->/g;
const check = process.argv.includes('--check');
const dirs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
let stale = 0;

for (const dir of dirs.map((d) => resolve(d))) {
  const readmePath = join(dir, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const names = [...readme.matchAll(BLOCK)].map((m) => m[1]);
  if (names.length === 0) continue;
  const mod = await import(pathToFileURL(join(dir, 'dist', 'index.js')).href);
  const require = createRequire(join(dir, 'package.json'));
  const { formatOptionsTable } = require('@pforge/state-core/backend');
  const next = readme.replace(BLOCK, (_, name) => {
    const declaration = mod[name];
    if (!declaration?.options)
      throw new Error(`${dir}: README names \`${name}\`, which the package does not export`);
    return `<!-- options:start ${name} -->\n${formatOptionsTable(declaration)}\n<!-- options:end -->`;
  });
  if (next === readme) continue;
  if (check) {
    stale++;
    console.error(`${readmePath}: options table out of date; run \`pnpm docs:options\``);
  } else {
    writeFileSync(readmePath, next);
    console.log(`updated ${readmePath}`);
  }
}
process.exit(stale > 0 ? 1 : 0);
