import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defineOptions,
  formatOptionsTable,
  namespaceOption,
  type OptionsInput,
  option,
} from '../src/backend.js';
import { isStateError, type StateError } from '../src/index.js';

const fooOptions = defineOptions({
  source: '@acme/state-foo',
  options: {
    namespace: namespaceOption,
    path: option({ schema: z.string().min(1), required: true, doc: 'Where the files go.' }),
    cacheSize: option({ schema: z.number().int().min(0), default: 0, doc: 'Entries kept.' }),
    sweepIntervalMs: option({ schema: z.number().int().min(1), doc: 'Pause, in ms.' }),
    password: option({ schema: z.string(), secret: true, doc: 'Never shown.' }),
    tls: option({
      schema: z.strictObject({ caFile: z.string().optional(), rejectUnauthorized: z.boolean() }),
      doc: 'TLS settings.',
    }),
    client: option({
      schema: z.custom<object>((v) => typeof v === 'object'),
      yaml: false,
      doc: 'A client.',
    }),
  },
  resolve: (o, report) => {
    if (o.cacheSize > 0 && o.sweepIntervalMs === undefined) {
      report('sweepIntervalMs', 'is needed with a cache');
    }
    if (o.tls?.caFile === 'bad') report('tls.caFile', 'is bad');
    return { ...o, resolved: true as const };
  },
});

function problems(fn: () => unknown): StateError {
  try {
    fn();
  } catch (err) {
    if (isStateError(err, 'ERR_STATE_CONFIG')) return err;
    throw err;
  }
  throw new Error('expected ERR_STATE_CONFIG');
}

describe('defineOptions', () => {
  it('applies defaults and the resolve step, in code and in YAML alike', () => {
    const code = fooOptions.parse({ path: '/x' });
    const yaml = fooOptions.parseYaml({ path: '/x' });
    expect(code).toEqual({
      namespace: 'pforge',
      path: '/x',
      cacheSize: 0,
      sweepIntervalMs: undefined,
      password: undefined,
      tls: undefined,
      client: undefined,
      resolved: true,
    });
    expect(yaml).toEqual(code);
    const typed: OptionsInput<typeof fooOptions.options> = { path: '/y', cacheSize: 2 };
    expect(typed.path).toBe('/y');
  });

  it('maps YAML names to code names, nested ones included', () => {
    const o = fooOptions.parseYaml({
      path: '/x',
      cache_size: 3,
      sweep_interval_ms: 10,
      tls: { ca_file: 'ca.pem', reject_unauthorized: false },
    });
    expect(o).toMatchObject({ cacheSize: 3, sweepIntervalMs: 10, tls: { caFile: 'ca.pem' } });
  });

  it('reports every problem at once, with YAML paths in YAML and hints from names', () => {
    const err = problems(() =>
      fooOptions.parseYaml({
        cacheSize: 1,
        cahce_size: 2,
        client: {},
        tls: { ca_flie: 'x', reject_unauthorized: 'no' },
      }),
    );
    const lines = err.issues!.map((i) => `${i.path}: ${i.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'state.cacheSize: unknown option (did you mean `cache_size`?)',
        'state.cahce_size: unknown option (did you mean `cache_size`?)',
        'state.client: can only be given in code, not in YAML',
        'state.path: required',
        'state.tls.ca_flie: unknown option (did you mean `ca_file`?)',
      ]),
    );
    expect(lines.some((l) => l.startsWith('state.tls.reject_unauthorized: '))).toBe(true);
    expect(err.message).toMatch(/^\[@acme\/state-foo\] invalid config \(\d+ problems\)/);
  });

  it('code input gets code names in its paths and hints', () => {
    const err = problems(() =>
      fooOptions.parse({
        path: '/x',
        cache_size: 1,
        tls: { caFile: 'bad', rejectUnauthorized: true },
      }),
    );
    expect(err.issues).toEqual([
      { path: 'options.cache_size', message: 'unknown option (did you mean `cacheSize`?)' },
    ]);
    const rule = problems(() =>
      fooOptions.parse({ path: '/x', tls: { caFile: 'bad', rejectUnauthorized: true } }),
    );
    expect(rule.issues).toEqual([{ path: 'options.tls.caFile', message: 'is bad' }]);
    const ruleYaml = problems(() =>
      fooOptions.parseYaml({ path: '/x', tls: { ca_file: 'bad', reject_unauthorized: true } }),
    );
    expect(ruleYaml.issues).toEqual([{ path: 'state.tls.ca_file', message: 'is bad' }]);
  });

  it('never shows a secret option or URL credentials', () => {
    const err = problems(() =>
      fooOptions.parseYaml({
        path: 5,
        password: 'hunter2-secret',
        namespace: 'redis://u:pw-secret@h',
      }),
    );
    expect(err.message).not.toMatch(/hunter2|pw-secret/);
  });

  it('generates the README options table from the declaration', () => {
    const table = formatOptionsTable(fooOptions);
    expect(table.split('\n')[0]).toBe('| YAML | code | default | what it does |');
    expect(table).toContain('| `cache_size` | `cacheSize` | `0` | Entries kept. |');
    expect(table).toContain('| `path` | `path` | required | Where the files go. |');
    expect(table).toContain('| (code only) | `client` | — | A client. |');
  });
});
