import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** The built core package (its dist), as an installed copy would be. */
export const CORE_DIR = resolve(import.meta.dirname, '..');

// A whole third-party backend in plain JavaScript: the five primitives over a Map, on
// core's base, with its options declared once.
const driverSource = `
const stores = new Map();
function operationsFor(core, name, ns) {
  const store = stores.get(name) ?? new Map();
  stores.set(name, store);
  const live = (k) => { const e = store.get(ns + k); return e && (e.expiresAt === undefined || e.expiresAt > Date.now()) ? e : undefined; };
  const same = (a, b) => a === b || (!!a && !!b && a.expiresAt === b.expiresAt && core.equalBytes(a.value, b.value));
  return {
    read: (k) => live(k),
    write: (k, e) => { store.set(ns + k, e); },
    remove: (k) => { const had = !!live(k); store.delete(ns + k); return had; },
    swap: (k, expected, next) => {
      if (!same(live(k), expected)) return false;
      if (next === undefined) store.delete(ns + k); else store.set(ns + k, next);
      return true;
    },
    *scan(p) { for (const k of [...store.keys()]) if (k.startsWith(ns + p) && live(k.slice(ns.length))) yield k.slice(ns.length); },
  };
}
const text = { '~standard': { version: 1, vendor: 'test',
  validate: (v) => typeof v === 'string' && v !== '' ? { value: v } : { issues: [{ message: 'must be a non-empty string' }] } } };
const spec = (core, name) => core.defineBackend({
  name,
  options: core.defineOptions({ source: name, options: {
    namespace: core.namespaceOption,
    store: core.option({ schema: text, default: 'default', doc: 'The store.' }),
  } }),
  create: (o) => core.createManager({ source: name, backend: name, namespace: o.namespace,
    operations: operationsFor(core, o.store, core.namespacePrefix(o.namespace)) }),
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
      `import * as core from '@pforge/state-core/backend';\n${driverSource}\nexport const fooBackend = spec(core, ${JSON.stringify(name)});\nexport const unrelated = 1;\n`,
    );
  } else {
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name, main: './lib/main' }));
    await mkdir(join(dir, 'lib'));
    await writeFile(
      join(dir, 'lib', 'main.js'),
      `const core = require('@pforge/state-core/backend');\n${driverSource}\nmodule.exports = spec(core, ${JSON.stringify(name)});\n`,
    );
  }
}
