import { PassThrough } from 'node:stream';
import { isStateError, MAX_TTL_MS, MAX_VALUE_BYTES } from '@pforge/state-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hazards, percentile } from '../src/doctor.js';
import { formatDuration, parseDuration } from '../src/duration.js';
import { parseValue, renderValue } from '../src/encoding.js';
import { isUsageError } from '../src/errors.js';
import { formatLine, parseLine } from '../src/ndjson.js';
import { createProgress, progressLine } from '../src/progress.js';

describe('durations', () => {
  it.each([
    ['1', 1],
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['3650d', MAX_TTL_MS],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each([
    '0',
    '0s',
    '-1',
    '-5s',
    '1.5s',
    '0.5ms',
    '1e3',
    ' 5s',
    '5 s',
    '5S',
    '5w',
    'abc',
    '',
    '3651d',
    '99999999999999999999',
  ])('%j is a usage error with ERR_STATE_INVALID_TTL', (text) => {
    let caught: unknown;
    try {
      parseDuration(text);
    } catch (err) {
      caught = err;
    }
    expect(isStateError(caught, 'ERR_STATE_INVALID_TTL')).toBe(true);
    expect(isUsageError(caught)).toBe(true);
    expect((caught as Error).message).toContain(`invalid duration ${JSON.stringify(text)}`);
  });

  it('formats durations with at most two units', () => {
    expect([0, 999, 1000, 61_000, 5_430_000, 90_061_000].map(formatDuration)).toEqual([
      '0ms',
      '999ms',
      '1s',
      '1m 1s',
      '1h 30m',
      '1d 1h',
    ]);
  });
});

describe('NDJSON lines', () => {
  it('formatLine and parseLine round-trip any key, value and expiry', () => {
    const key = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
    const expiresAt = fc.option(fc.integer({ min: 0, max: 2 ** 50 }), { nil: null });
    fc.assert(
      fc.property(key, fc.uint8Array({ maxLength: 64 }), expiresAt, (k, value, at) => {
        const line = formatLine({ key: k, value, expiresAt: at });
        expect(line.endsWith('\n')).toBe(true);
        expect(line.slice(0, -1)).not.toContain('\n');
        const parsed = parseLine(line.slice(0, -1));
        expect(parsed).toEqual({ entry: { key: k, value: Buffer.from(value), expiresAt: at } });
      }),
    );
  });

  it('rejects what is not a dump entry, and skips blank lines', () => {
    expect(parseLine('   ')).toEqual({ blank: true });
    const big = Buffer.alloc(MAX_VALUE_BYTES + 3).toString('base64');
    for (const [line, why] of [
      ['{"key":"k","value":"AA","expiresAt":null}', 'base64'],
      ['{"key":"k","value":"AA==","expiresAt":-1}', 'expiresAt'],
      ['{"key":"k","value":"AA==","expiresAt":"1"}', 'expiresAt'],
      ['{"key":"k","value":"AA=="}', 'expiresAt'],
      ['{"key":1,"value":"AA==","expiresAt":null}', 'key'],
      [`{"key":"${'x'.repeat(1025)}","value":"","expiresAt":null}`, 'key'],
      [`{"key":"k","value":"${big}","expiresAt":null}`, 'larger than'],
      ['null', 'not a JSON object'],
    ] as const) {
      const parsed = parseLine(line);
      expect('error' in parsed && parsed.error).toContain(why);
    }
  });
});

describe('encodings', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it('renders utf8 by default, base64 for bytes that are not UTF-8', () => {
    expect(renderValue('k', bytes('hé'), undefined)).toEqual({ encoding: 'utf8', text: 'hé' });
    expect(renderValue('k', new Uint8Array([0xff]), undefined)).toEqual({
      encoding: 'base64',
      text: '/w==',
    });
    expect(renderValue('k', new Uint8Array([0xff]), 'hex').text).toBe('ff');
    expect(renderValue('k', bytes('{"a":1}'), 'json')).toMatchObject({
      json: { a: 1 },
      text: '{\n  "a": 1\n}',
    });
    expect(() => renderValue('k', bytes('nope'), 'json')).toThrow(/is not JSON/);
    expect(() => renderValue('k', new Uint8Array([0xff]), 'utf8')).toThrow(/not valid UTF-8/);
  });

  it('reads values in each encoding and refuses invalid input', () => {
    expect(parseValue('hé')).toEqual(bytes('hé'));
    expect(parseValue(' { "a" : 1 } ', 'json')).toEqual(bytes('{"a":1}'));
    expect(Buffer.from(parseValue('00ff', 'hex'))).toEqual(Buffer.from([0, 255]));
    expect(Buffer.from(parseValue(bytes('AAE=\n'), 'base64'))).toEqual(Buffer.from([0, 1]));
    for (const [input, encoding] of [
      ['0f0', 'hex'],
      ['AA', 'base64'],
      ['{', 'json'],
    ] as const) {
      expect(() => parseValue(input, encoding)).toThrow(`the value is not valid ${encoding}`);
    }
  });
});

describe('doctor', () => {
  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(xs, 50), percentile(xs, 99), percentile(xs, 100)]).toEqual([50, 99, 100]);
  });

  it('turns backend figures into hazard warnings', () => {
    const info = (backend: string, details: Record<string, string | number>) => ({
      backend,
      source: `@pforge/state-${backend}`,
      namespace: 'n',
      settlesLocally: false,
      details,
    });
    expect(hazards(info('lmdb', { map_used_ratio: 0.79 }), 'lmdb')).toEqual([]);
    expect(hazards(info('lmdb', { map_used_ratio: 0.8 }), 'lmdb').map((c) => c.name)).toEqual([
      'lmdb map',
    ]);
    expect(hazards(info('redis', { persistence: 'aof' }), 'redis')).toEqual([]);
    expect(hazards(info('redis', { persistence: 'none' }), 'redis').map((c) => c.name)).toEqual([
      'redis persistence',
    ]);
    expect(hazards(info('lmdb', {}), 'sled').map((c) => c.name)).toEqual(['config']);
  });
});

describe('progress display', () => {
  it('plain lines show count, rate and ETA', () => {
    expect(progressLine('dump', 'keys', 2500, 10_000, 1000)).toBe(
      'dump | 25% 2,500/10,000 keys | 2,500 keys/s | ETA 3s',
    );
    expect(progressLine('dump', 'keys', 2500, 0, 1000)).toBe(
      'dump | 2,500 keys | 2,500 keys/s | ETA ?',
    );
  });

  it('draws a cli-progress bar on a TTY and clears it when stopped', async () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
    let out = '';
    stream.setEncoding('utf8').on('data', (s: string) => (out += s));
    const p = createProgress({ label: 'migrate', unit: 'keys', stream });
    p.setTotal(1000);
    p.update(500);
    await new Promise((r) => setTimeout(r, 400));
    p.stop();
    expect(out).toMatch(/migrate \S+ \| 50% 500\/1,000 keys \| [\d,]+ keys\/s \| ETA /);
    expect(out).toContain('\u001b[?25l'); // cursor hidden while drawing...
    expect(out).toContain('\u001b[?25h'); // ...and shown again
  });

  it('prints nothing before the first update, and nothing after stop', async () => {
    const stream = new PassThrough();
    let out = '';
    stream.setEncoding('utf8').on('data', (s: string) => (out += s));
    const p = createProgress({ label: 'restore', unit: 'entries', stream, intervalMs: 20 });
    await new Promise((r) => setTimeout(r, 100));
    expect(out).toBe('');
    p.setTotal(10);
    p.update(5);
    await new Promise((r) => setTimeout(r, 100));
    p.stop();
    expect(out).toMatch(/^restore \| 50% 5\/10 entries \| [\d,]+ entries\/s \| ETA /);
    const after = out;
    await new Promise((r) => setTimeout(r, 100));
    expect(out).toBe(after);
  });
});
