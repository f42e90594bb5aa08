import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Why not `import.meta.resolve` or `require.resolve`: the first needs a flag on Node 20 for a
// parent URL and does not exist in the CJS build; the second fails on packages whose
// `exports` have only an `import` condition. So: find the package directory the way Node
// does (node_modules up the tree, symlinks as pnpm makes them), read its `exports`, and
// import the file by URL.

const IMPORT_CONDITIONS = ['import', 'module-sync', 'node', 'default'] as const;
const REQUIRE_CONDITIONS = ['require', 'node', 'default'] as const;

/** Whether `name` is a valid npm package name (`foo`, `@scope/foo`). */
export function isPackageName(name: string): boolean {
  return (
    /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name) && name.length <= 214
  );
}

/** The directory this module is in, in the ESM and the CJS build alike. */
export function ownDirectory(): string {
  if (typeof __dirname === 'string') return __dirname;
  return dirname(fileURLToPath(import.meta.url));
}

/**
 * Where package `name` is, resolved from `fromDir`: `undefined` when not installed; `url`
 * (the file URL of its main entry) absent when the package has no entry Node could import.
 */
export function resolvePackageEntry(
  name: string,
  fromDir: string,
): { dir: string; url?: string } | undefined {
  // No NODE_PATH and no Yarn PnP on purpose: ESM `import` ignores NODE_PATH too, and a
  // package found only through it would work in one shell and not another.
  const dir = findPackageDir(name, fromDir);
  if (dir === undefined) return undefined;
  const file = entryFile(dir);
  return file === undefined ? { dir } : { dir, url: pathToFileURL(file).href };
}

function findPackageDir(name: string, fromDir: string): string | undefined {
  const own = selfReference(name, resolve(fromDir));
  if (own !== undefined) return own;
  let dir = resolve(fromDir);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** As Node lets a package import itself by name: the nearest package.json, if it is `name`'s. */
function selfReference(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; exports?: unknown };
        return pkg.name === name && pkg.exports !== undefined ? dir : undefined;
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function entryFile(dir: string): string | undefined {
  let pkg: { exports?: unknown; main?: unknown };
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof pkg;
  } catch {
    return undefined;
  }
  if (pkg.exports !== undefined && pkg.exports !== null) {
    const root = rootExport(pkg.exports);
    const target = pick(root, IMPORT_CONDITIONS) ?? pick(root, REQUIRE_CONDITIONS);
    return target === undefined ? undefined : withExtension(join(dir, target));
  }
  const main = typeof pkg.main === 'string' && pkg.main !== '' ? pkg.main : 'index.js';
  return withExtension(join(dir, main));
}

function rootExport(exports: unknown): unknown {
  if (typeof exports !== 'object' || exports === null || Array.isArray(exports)) return exports;
  const keys = Object.keys(exports);
  return keys.some((k) => k.startsWith('.')) ? (exports as Record<string, unknown>)['.'] : exports;
}

function pick(target: unknown, conditions: readonly string[]): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = pick(t, conditions);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (typeof target !== 'object' || target === null) return undefined;
  // Node takes the first key, in object order, whose condition is active.
  for (const [condition, sub] of Object.entries(target)) {
    if (!conditions.includes(condition)) continue;
    const r = pick(sub, conditions);
    if (r !== undefined) return r;
  }
  return undefined;
}

function withExtension(file: string): string | undefined {
  for (const candidate of [
    file,
    `${file}.js`,
    `${file}.cjs`,
    `${file}.mjs`,
    join(file, 'index.js'),
  ]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  return undefined;
}
