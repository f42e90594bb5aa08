// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write ${VAR} references on purpose
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkStateConfig,
  isStateError,
  parseStateConfig,
  readStateConfig,
  type StateError,
} from '../src/index.js';
import { suggestName } from '../src/suggest.js';

function configErrorOf(fn: () => unknown): StateError {
  try {
    fn();
  } catch (err) {
    if (isStateError(err, 'ERR_STATE_CONFIG')) return err;
    throw err;
  }
  throw new Error('expected ERR_STATE_CONFIG');
}

describe('parseStateConfig', () => {
  it('splits backend from the options', () => {
    expect(parseStateConfig({ backend: 'lmdb', path: './x', cache_size: 10 })).toEqual({
      backend: 'lmdb',
      options: { path: './x', cache_size: 10 },
    });
  });

  it('reports every problem at once, each with its dot-path', () => {
    const err = configErrorOf(() =>
      parseStateConfig(
        { cacheSize: 1, 'pool-size': 2, url: '${NOPE_1}', nested: { a: '${NOPE_2}' } },
        { env: {} },
      ),
    );
    const paths = err.issues?.map((i) => i.path).sort();
    expect(paths).toEqual([
      'state.backend',
      'state.cacheSize',
      'state.nested.a',
      'state.pool-size',
      'state.url',
    ]);
    expect(err.message).toMatch(/invalid config \(5 problems\)/);
    expect(err.message).toContain(
      '`state.cacheSize`: option names are snake_case (did you mean `cache_size`?)',
    );
    expect(err.message).toContain(
      '`state.pool-size`: option names are snake_case (did you mean `pool_size`?)',
    );
    expect(err.message).toContain('`state.backend`: required');
    expect(err.message).toContain('`state.url`: environment variable `NOPE_1` is not set');
  });

  it('suggests `backend` for a typo of it', () => {
    const err = configErrorOf(() => parseStateConfig({ backnd: 'memory' }));
    expect(err.message).toContain('`state.backnd`: unknown option (did you mean `backend`?)');
  });

  it('rejects a block that is not a mapping, and bad backend values', () => {
    expect(configErrorOf(() => parseStateConfig(null)).message).toContain(
      '`state`: must be a mapping',
    );
    expect(configErrorOf(() => parseStateConfig(['x'])).message).toContain('got a list');
    expect(configErrorOf(() => parseStateConfig({ backend: 3 })).issues?.[0]?.path).toBe(
      'state.backend',
    );
    expect(configErrorOf(() => parseStateConfig({ backend: '' })).message).toContain(
      'must not be empty',
    );
  });

  it('expands ${VAR} and ${VAR:-default} in every string value, nested and in lists', () => {
    const env = { HOST: 'h1', EMPTY: '', PORT: '6380' };
    const out = parseStateConfig(
      {
        backend: '${BACKEND:-redis}',
        url: 'redis://${HOST}:${PORT}/0',
        fallback: '${MISSING:-dflt}',
        empty_default: '${EMPTY:-used}',
        empty_plain: 'x${EMPTY}y',
        cluster: { nodes: ['${HOST}:1', { host: '${HOST}' }] },
        literal: 'cost $${HOST} and $5',
        number: 5,
      },
      { env },
    );
    expect(out).toEqual({
      backend: 'redis',
      options: {
        url: 'redis://h1:6380/0',
        fallback: 'dflt',
        empty_default: 'used',
        empty_plain: 'xy',
        cluster: { nodes: ['h1:1', { host: 'h1' }] },
        literal: 'cost ${HOST} and $5',
        number: 5,
      },
    });
  });

  it('reads process.env by default', () => {
    process.env.PFORGE_TEST_NS = 'from-env';
    try {
      expect(
        parseStateConfig({ backend: 'memory', namespace: '${PFORGE_TEST_NS}' }).options.namespace,
      ).toBe('from-env');
    } finally {
      delete process.env.PFORGE_TEST_NS;
    }
  });

  it('names unset variables and malformed references, never printing a value', () => {
    const env = { REDIS_PASSWORD: 'hunter2-secret' };
    const err = configErrorOf(() =>
      parseStateConfig(
        {
          backend: 'redis',
          url: 'redis://:${REDIS_PASSWORD}@${REDIS_HOST}',
          bad: '${1X}',
          open: '${OPEN',
        },
        { env },
      ),
    );
    expect(err.message).toContain('`state.url`: environment variable `REDIS_HOST` is not set');
    expect(err.message).toContain('`state.bad`: malformed environment reference');
    expect(err.message).toContain('`state.open`: malformed environment reference');
    expect(err.message).not.toContain('hunter2');
    expect(JSON.stringify(err.issues)).not.toContain('hunter2');
  });

  it('checkStateConfig returns problems instead of throwing', () => {
    const { config, issues } = checkStateConfig({ backend: 'memory', Bad: 1 });
    expect(config?.backend).toBe('memory');
    expect(issues).toHaveLength(1);
  });
});

describe('suggestName (typo hints)', () => {
  it('suggestName: close names only', () => {
    expect(suggestName('cahce_size', ['cache_size', 'path'])).toBe('cache_size');
    expect(suggestName('poolSize', ['pool_size'])).toBe('pool_size');
    expect(suggestName('zzzzzz', ['cache_size', 'path'])).toBeUndefined();
    expect(suggestName('x', [])).toBeUndefined();
  });
});

describe('readStateConfig', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pforge-core-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the state: block of a pforge YAML file', async () => {
    const file = join(dir, 'pforge.yaml');
    await writeFile(
      file,
      'name: demo\nstate:\n  backend: lmdb\n  path: ./.pforge/state\n  cache_size: 10000\n',
    );
    expect(await readStateConfig(file)).toEqual({
      backend: 'lmdb',
      path: './.pforge/state',
      cache_size: 10000,
    });
  });

  it('understands anchors and merge keys', async () => {
    const file = join(dir, 'pforge.yaml');
    await writeFile(
      file,
      'defaults: &d\n  namespace: shared\nstate:\n  <<: *d\n  backend: memory\n',
    );
    expect(await readStateConfig(file)).toEqual({ backend: 'memory', namespace: 'shared' });
  });

  it('names the file when the block is missing, the file is absent or the YAML is bad', async () => {
    const noBlock = join(dir, 'a.yaml');
    await writeFile(noBlock, 'name: demo\n');
    await expect(readStateConfig(noBlock)).rejects.toMatchObject({
      code: 'ERR_STATE_CONFIG',
      message: expect.stringContaining(`${noBlock} has no \`state:\` block`),
    });
    const missing = join(dir, 'missing.yaml');
    await expect(readStateConfig(missing)).rejects.toMatchObject({
      code: 'ERR_STATE_CONFIG',
      message: expect.stringContaining(`${missing} does not exist`),
    });
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'state:\n  backend: redis\n  url: "redis://:hunter2@x\n');
    const err = await readStateConfig(bad).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({
      code: 'ERR_STATE_CONFIG',
      message: expect.stringContaining(`${bad} is not valid YAML`),
    });
    expect(err.message).not.toContain('hunter2');
    const list = join(dir, 'list.yaml');
    await writeFile(list, 'state:\n  - backend\n');
    await expect(readStateConfig(list)).rejects.toMatchObject({
      message: expect.stringContaining('must be a mapping'),
    });
  });
});
