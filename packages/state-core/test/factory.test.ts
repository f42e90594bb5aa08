// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write ${VAR} references on purpose
import { execFile } from 'node:child_process';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type BackendAlias,
  defineBackend,
  defineOptions,
  namespaceOption,
  option,
} from '../src/backend.js';
import {
  createStateManager,
  createStateManagerFromFile,
  isStateError,
  loadBackend,
  registerBackend,
  type StateManager,
} from '../src/index.js';
import { CORE_DIR, writeBackendPackage } from './fixtures.js';
import { createMapState } from './map-driver.js';

const run = promisify(execFile);
const bytes = (s: string) => new TextEncoder().encode(s);

let dir: string;
const cleanups: (() => void | Promise<void>)[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pforge-core-factory-'));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await rm(dir, { recursive: true, force: true });
});

const noOptions = (source: string) => defineOptions({ source, options: {} });

/** Registers a stand-in backend on the Map driver and records what the factory did. */
function standIn(name: string, aliases: Record<string, BackendAlias> = {}) {
  const calls: string[] = [];
  const seen: { options?: unknown } = {};
  const definition = defineBackend({
    name,
    options: defineOptions({
      source: name,
      options: {
        namespace: namespaceOption,
        path: option({ schema: z.string(), doc: 'A path.' }),
        url: option({ schema: z.string(), doc: 'A URL.' }),
      },
    }),
    aliases,
    create: (options) => {
      calls.push('create');
      seen.options = options;
      return createMapState(options.namespace);
    },
  });
  cleanups.push(registerBackend(definition));
  return { calls, seen, definition };
}

async function open(
  config: Parameters<typeof createStateManager>[0],
  options = {},
): Promise<StateManager> {
  const state = await createStateManager(config, { cwd: dir, ...options });
  cleanups.push(() => state.close());
  return state;
}

describe('registerBackend', () => {
  it('opens a registered backend with resolved options', async () => {
    const { seen } = standIn('test-mine');
    const state = await open({ backend: 'test-mine', namespace: 'n1' });
    await state.set('k', bytes('v'));
    expect(await state.get('k')).toEqual(bytes('v'));
    expect(seen.options).toEqual({ namespace: 'n1' });
  });

  it('the unregister function removes it again', async () => {
    const un = registerBackend(
      defineBackend({
        name: 'test-gone',
        options: noOptions('test-gone'),
        create: () => createMapState(),
      }),
    );
    expect((await loadBackend('test-gone')).name).toBe('test-gone');
    un();
    await expect(loadBackend('test-gone', { cwd: dir })).rejects.toMatchObject({
      code: 'ERR_STATE_CONFIG',
    });
  });

  it('refuses anything but a definition', () => {
    expect(() => registerBackend({ name: 'x' } as never)).toThrow(/defineBackend/);
  });

  it('validates options before create (no I/O on a bad config) and reports core and backend problems at once', async () => {
    const { calls } = standIn('test-strict');
    const err = await createStateManager(
      { backend: 'test-strict', namespce: 'x', cacheSize: 1, url: '${UNSET_VAR_X}' },
      { cwd: dir, env: {} },
    ).catch((e: unknown) => e);
    expect(isStateError(err, 'ERR_STATE_CONFIG')).toBe(true);
    const message = (err as Error).message;
    expect(message).toContain('`state.url`: environment variable `UNSET_VAR_X` is not set');
    expect(message).toContain('`state.cacheSize`: option names are snake_case');
    expect(message).toContain('`state.namespce`: unknown option (did you mean `namespace`?)');
    expect(message.match(/`state.cacheSize`/g)).toHaveLength(1);
    expect(calls).toEqual([]);
  });

  it('never prints secret values in config errors', async () => {
    standIn('test-secret');
    const err = (await createStateManager(
      { backend: 'test-secret', url: 'redis://:hunter2@h', pasword: 'hunter2', token: '${TOKEN}' },
      { cwd: dir, env: { TOKEN: 'tok-hunter2' } },
    ).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('`state.pasword`');
    expect(err.message).not.toContain('hunter2');
  });
});

it('masks secret-like values and values from the environment even when a schema quotes them', async () => {
  const quoting = z
    .string()
    .refine(() => false, { error: (iss) => `bad value ${String(iss.input)}` });
  cleanups.push(
    registerBackend(
      defineBackend({
        name: 'test-quoting',
        options: defineOptions({
          source: 'test-quoting',
          options: {
            password: option({ schema: quoting, doc: 'x' }),
            label: option({ schema: quoting, doc: 'x' }),
          },
        }),
        create: () => createMapState(),
      }),
    ),
  );
  const err = (await createStateManager(
    { backend: 'test-quoting', password: 'hunter2', label: '${LABEL}' },
    { cwd: dir, env: { LABEL: 'from-env-secret' } },
  ).catch((e: unknown) => e)) as Error;
  expect(err.message).toContain('`state.password`: bad value ***');
  expect(err.message).toContain('`state.label`: bad value ***');
  expect(err.message).not.toMatch(/hunter2|from-env-secret/);
});

it('wraps a non-StateError from create as ERR_STATE_BACKEND', async () => {
  const boom = new Error('cannot open');
  cleanups.push(
    registerBackend(
      defineBackend({
        name: 'test-failing',
        options: noOptions('test-failing'),
        create: () => {
          throw boom;
        },
      }),
    ),
  );
  await expect(open({ backend: 'test-failing' })).rejects.toMatchObject({
    code: 'ERR_STATE_BACKEND',
    cause: boom,
    message: '[test-failing] opening failed: cannot open',
  });
});

it('shares registered backends between copies of core (ESM and CJS)', async () => {
  const { stdout } = await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       const cjs = createRequire(import.meta.url)(${JSON.stringify(join(CORE_DIR, 'dist', 'index.cjs'))});
       const esm = await import(${JSON.stringify(join(CORE_DIR, 'dist', 'index.js'))});
       const author = await import(${JSON.stringify(join(CORE_DIR, 'dist', 'backend.js'))});
       esm.registerBackend(author.defineBackend({ name: 'x', options: author.defineOptions({ source: 'x', options: {} }), create: () => null }));
       console.log((await cjs.loadBackend('x')).name);`,
    ],
    { cwd: dir },
  );
  expect(stdout.trim()).toBe('x');
});

describe('backend packages', () => {
  it('loads an ESM-only third-party package by name from the working directory', async () => {
    await writeBackendPackage(dir, '@acme/state-esm', 'esm');
    const state = await open({ backend: '@acme/state-esm', namespace: 'a' });
    expect(await state.increment('c', 5)).toBe(5);
    expect(await state.get('c')).toEqual(bytes('5'));
  });

  it('loads a CommonJS third-party package (main without extension, module.exports = definition)', async () => {
    await writeBackendPackage(dir, 'acme-state-cjs', 'cjs');
    const state = await open({ backend: 'acme-state-cjs' });
    await state.set('k', bytes('v'));
    expect(await state.exists('k')).toBe(true);
  });

  it('loads a package by its own name from inside it (self-reference, as Node allows)', async () => {
    await writeBackendPackage(dir, '@acme/state-self', 'esm');
    await rename(join(dir, 'node_modules', '@acme', 'state-self'), join(dir, 'self'));
    const state = await open({ backend: '@acme/state-self' }, { cwd: join(dir, 'self') });
    expect(await state.increment('k')).toBe(1);
  });

  it("reports the package's own option problems", async () => {
    await writeBackendPackage(dir, '@acme/state-esm', 'esm');
    await expect(open({ backend: '@acme/state-esm', namespac: 'x' })).rejects.toMatchObject({
      code: 'ERR_STATE_CONFIG',
      message: expect.stringContaining('did you mean `namespace`?'),
    });
  });

  it('says which package to install when a built-in backend is missing', async () => {
    await expect(open({ backend: 'lmdb' })).rejects.toMatchObject({
      code: 'ERR_STATE_CONFIG',
      message: expect.stringContaining('run `npm install @pforge/state-lmdb`'),
    });
    await expect(open({ backend: '@acme/state-missing' })).rejects.toMatchObject({
      code: 'ERR_STATE_CONFIG',
      message: expect.stringContaining('npm install @acme/state-missing'),
    });
  });

  it('an unknown name that is no package is ERR_STATE_CONFIG, with a hint for a typo', async () => {
    await expect(open({ backend: 'Not A Package!' })).rejects.toMatchObject({
      code: 'ERR_STATE_CONFIG',
      message: expect.stringContaining('unknown backend'),
    });
    await expect(open({ backend: 'lmbd' })).rejects.toMatchObject({
      message: expect.stringContaining('did you mean `lmdb`?'),
    });
  });

  it('a package without a definition, or one that fails to load, is ERR_STATE_CONFIG', async () => {
    await writeBackendPackage(dir, 'acme-empty', 'cjs');
    await writeFile(
      join(dir, 'node_modules', 'acme-empty', 'lib', 'main.js'),
      'module.exports = { nothing: 1 };',
    );
    await expect(open({ backend: 'acme-empty' })).rejects.toMatchObject({
      message: expect.stringContaining('exports no backend definition'),
    });
    await writeBackendPackage(dir, 'acme-broken', 'cjs');
    await writeFile(
      join(dir, 'node_modules', 'acme-broken', 'lib', 'main.js'),
      'throw new Error("broken at load");',
    );
    await expect(open({ backend: 'acme-broken' })).rejects.toMatchObject({
      code: 'ERR_STATE_CONFIG',
      message: expect.stringContaining('failed to load: broken at load'),
    });
  });

  it('a package without an importable entry is ERR_STATE_CONFIG naming it', async () => {
    await writeBackendPackage(dir, 'acme-no-entry', 'esm');
    await writeFile(
      join(dir, 'node_modules', 'acme-no-entry', 'package.json'),
      JSON.stringify({ name: 'acme-no-entry', exports: { './sub': './index.js' } }),
    );
    await expect(open({ backend: 'acme-no-entry' })).rejects.toMatchObject({
      code: 'ERR_STATE_CONFIG',
      message: expect.stringContaining('package acme-no-entry (in '),
    });
  });

  it('works from the CJS build too (dynamic import of an ESM-only package from require())', async () => {
    await writeBackendPackage(dir, '@acme/state-esm', 'esm');
    const script = `
      const core = require(${JSON.stringify(join(CORE_DIR, 'dist', 'index.cjs'))});
      core.createStateManager({ backend: '@acme/state-esm' }, { cwd: ${JSON.stringify(dir)} })
        .then(async (s) => { console.log(await s.increment('k', 7)); await s.close(); });`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: dir });
    expect(stdout.trim()).toBe('7');
  });
});

describe('aliases (backend: sled)', () => {
  /** What LMDB declares for `sled`, in small: drop one option, say so. */
  const sled: BackendAlias = {
    translate: (options, notice) => {
      notice('sled is served by the stand-in');
      const { cache_capacity: _dropped, ...kept } = options;
      return kept;
    },
  };

  it('a name a backend declares as an alias opens it, with its options translated and a notice', async () => {
    const { seen } = standIn('lmdb', { sled });
    const notices: string[] = [];
    await open(
      { backend: 'sled', path: './data/state', cache_capacity: 1_000_000 },
      { onNotice: (m: string) => notices.push(m) },
    );
    expect(seen.options).toMatchObject({ path: './data/state', namespace: 'pforge' });
    expect(notices).toEqual(['sled is served by the stand-in']);
  });

  it('emits the notice as a Node warning by default', async () => {
    standIn('lmdb', { sled });
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
    await open({ backend: 'sled', path: join(dir, 'x') });
    const warning = await warned;
    expect(warning.name).toBe('PforgeStateNotice');
    expect((warning as Error & { code?: string }).code).toBe('PFORGE_STATE_NOTICE');
  });

  it('without @pforge/state-lmdb installed, `sled` says to install it', async () => {
    await expect(
      open({ backend: 'sled', path: join(dir, 'x') }, { onNotice: () => {} }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('npm install @pforge/state-lmdb'),
    });
  });
});

describe('createStateManagerFromFile', () => {
  it('reads the state: block, expands the environment and opens the backend', async () => {
    standIn('test-file');
    const file = join(dir, 'pforge.yaml');
    await writeFile(
      file,
      'state:\n  backend: test-file\n  namespace: ${PFORGE_TEST_FILE_NS:-from-default}\n',
    );
    const state = await createStateManagerFromFile(file, { cwd: dir });
    cleanups.push(() => state.close());
    await state.set('k', bytes('1'));
    expect(await state.get('k')).toEqual(bytes('1'));
  });
});

describe('defineBackend', () => {
  it('refuses a spec without name, schema or create', () => {
    expect(() => defineBackend({} as never)).toThrow(/`name`.*`options`.*`create`/);
  });

  it('makes a frozen, recognisable definition whose resolveOptions reports with the source', () => {
    const def = defineBackend({
      name: 'x',
      source: '@acme/state-x',
      options: defineOptions({
        source: '@acme/state-x',
        options: { size: option({ schema: z.number(), doc: 'A size.' }) },
      }),
      create: () => createMapState(),
    });
    expect(Object.isFrozen(def)).toBe(true);
    expect(def.resolveOptions({ size: 1 })).toEqual({ size: 1 });
    expect(() => def.resolveOptions({ sise: 1 })).toThrow(
      /^\[@acme\/state-x\] invalid config:[\s\S]*`state.sise`: unknown option \(did you mean `size`\?\)/,
    );
  });
});
