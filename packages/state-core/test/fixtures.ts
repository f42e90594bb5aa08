import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** The built core package (its dist), as an installed copy would be. */
export const CORE_DIR = resolve(import.meta.dirname, '..');

// A whole third-party backend in plain JavaScript: a Map driver on core's author base.
const driverSource = `
const stores = new Map();
function driverFor(name) {
  const store = stores.get(name) ?? new Map();
  stores.set(name, store);
  const live = (k) => { const e = store.get(k); return e && (e.expiresAt === undefined || e.expiresAt > Date.now()) ? e : undefined; };
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  return {
    async read(k) { return live(k); },
    async write(k, e) { store.set(k, e); },
    async remove(k) { const had = !!live(k); store.delete(k); return had; },
    async compareAndSwap(k, expected, next) {
      const cur = live(k);
      if (cur === undefined ? expected !== undefined : expected === undefined || !same(cur.value, expected)) return false;
      if (next === undefined) store.delete(k); else store.set(k, next);
      return true;
    },
    async *scan(p) { for (const k of [...store.keys()]) if (k.startsWith(p) && live(k)) yield k; },
    async close() {},
  };
}
const spec = (core, name) => core.defineBackend({
  name,
  options: core.z ?? {
    '~standard': {
      version: 1, vendor: 'test',
      validate(input) {
        const extra = Object.keys(input).filter((k) => k !== 'namespace' && k !== 'store');
        return extra.length ? { issues: [{ message: 'Unrecognized key: "' + extra[0] + '"', path: [] }] } : { value: input };
      },
    },
  },
  optionNames: ['namespace', 'store'],
  create: (o) => core.createDriverManager(driverFor(o.store ?? 'default'), { source: name, namespace: o.namespace }),
});
`;

/** Writes a third-party backend package into `<root>/node_modules/<name>`, ESM-only or CJS-only. */
export async function writeBackendPackage(
  root: string,
  name: string,
  kind: 'esm' | 'cjs',
): Promise<void> {
  const dir = join(root, 'node_modules', name);
  await mkdir(dir, { recursive: true });
  const coreLink = join(root, 'node_modules', '@pforge', 'state-core');
  await mkdir(dirname(coreLink), { recursive: true });
  await symlink(CORE_DIR, coreLink, 'dir').catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  if (kind === 'esm') {
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name, type: 'module', exports: { '.': { import: './index.js' } } }),
    );
    await writeFile(
      join(dir, 'index.js'),
      `import * as core from '@pforge/state-core';\n${driverSource}\nexport const fooBackend = spec(core, ${JSON.stringify(name)});\nexport const unrelated = 1;\n`,
    );
  } else {
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name, main: './lib/main' }));
    await mkdir(join(dir, 'lib'));
    await writeFile(
      join(dir, 'lib', 'main.js'),
      `const core = require('@pforge/state-core');\n${driverSource}\nmodule.exports = spec(core, ${JSON.stringify(name)});\n`,
    );
  }
}
