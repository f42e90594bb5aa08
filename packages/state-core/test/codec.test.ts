import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesCodec, isStateError, jsonCodec, textCodec } from '../src/index.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const roundTrip = (v: unknown) => jsonCodec.decode(jsonCodec.encode(v));

/** Values the JSON codec keeps: JSON plus Date, BigInt, Uint8Array, Map, Set, nested. */
const richValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.string(),
    fc.bigInt(),
    fc.date(),
    fc.uint8Array({ maxLength: 8 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 4, noNullPrototype: true }),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((e) => new Map(e)),
    fc.array(tie('value'), { maxLength: 3 }).map((e) => new Set(e)),
  ),
})).value;

function hasNegativeZero(v: unknown): boolean {
  if (Object.is(v, -0)) return true;
  return typeof v === 'object' && v !== null && Object.values(v).some(hasNegativeZero);
}

describe('jsonCodec', () => {
  it('round-trips JSON, Date, BigInt, Uint8Array, Map and Set, nested (property)', () => {
    fc.assert(
      fc.property(richValue, (v) => {
        expect(roundTrip(v)).toStrictEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  it('writes plain JSON byte for byte as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        // -0 is the one JSON value JSON.stringify cannot keep; the codec tags it.
        fc.pre(!hasNegativeZero(v));
        expect(text(jsonCodec.encode(v))).toBe(JSON.stringify(v));
      }),
    );
    expect(text(jsonCodec.encode({ a: [1, 'x', null, true] }))).toBe('{"a":[1,"x",null,true]}');
  });

  it('keeps special numbers, undefined in arrays, invalid dates and Buffers', () => {
    const v = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, undefined];
    expect(roundTrip(v)).toStrictEqual(v);
    expect(Number.isNaN((roundTrip(new Date(Number.NaN)) as Date).getTime())).toBe(true);
    expect(roundTrip(Buffer.from('hi'))).toStrictEqual(new Uint8Array([104, 105]));
    expect(roundTrip({ a: undefined, b: 1 })).toStrictEqual({ b: 1 });
    expect(roundTrip(undefined)).toBeUndefined();
  });

  it('keeps user objects that look like tags, and __proto__ keys, as data', () => {
    const v = { $t: 'Date', v: 'not a date', nested: { $t: 'bigint' } };
    expect(roundTrip(v)).toStrictEqual(v);
    const proto = JSON.parse('{"__proto__": {"polluted": true}, "$t": 1}') as object;
    const back = roundTrip(proto) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('uses toJSON like JSON.stringify', () => {
    expect(roundTrip({ toJSON: () => ({ x: 1 }) })).toStrictEqual({ x: 1 });
  });

  it('fails to encode functions, symbols, cycles and other typed arrays with ERR_STATE_SERIALIZATION', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [
      () => 1,
      Symbol('s'),
      { f: () => 1 },
      cyclic,
      new Float32Array(2),
      new Map([[1, () => 1]]),
    ]) {
      let err: unknown;
      try {
        jsonCodec.encode(bad);
      } catch (e) {
        err = e;
      }
      expect(isStateError(err, 'ERR_STATE_SERIALIZATION')).toBe(true);
    }
  });

  it('encodes shared (non-cyclic) references twice', () => {
    const shared = { a: 1 };
    expect(roundTrip([shared, shared])).toStrictEqual([{ a: 1 }, { a: 1 }]);
  });

  it('fails to decode bad bytes without quoting them', () => {
    const secret = new TextEncoder().encode('{"password": hunter2}');
    expect(() => jsonCodec.decode(secret)).toThrow(/not valid JSON/);
    expect(() => jsonCodec.decode(secret)).not.toThrow(/hunter2/);
    expect(() => jsonCodec.decode(new Uint8Array([0xff]))).toThrow(/not valid UTF-8/);
    expect(() => jsonCodec.decode(new TextEncoder().encode('{"$t":"nope"}'))).toThrow(
      /tagged value/,
    );
    expect(() => jsonCodec.decode(new TextEncoder().encode('{"$t":"bigint","v":"1.5"}'))).toThrow(
      /tagged/,
    );
  });
});

describe('textCodec', () => {
  it('round-trips any well-formed string as UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const b = textCodec.encode(s);
        expect(b).toStrictEqual(new Uint8Array(Buffer.from(s, 'utf8')));
        expect(textCodec.decode(b)).toBe(s);
      }),
    );
    expect(textCodec.decode(textCodec.encode('\uFEFFbom'))).toBe('\uFEFFbom');
  });

  it('refuses lone surrogates and invalid UTF-8 instead of writing U+FFFD', () => {
    expect(() => textCodec.encode('a\uD800')).toThrow(/lone surrogate/);
    expect(() => textCodec.decode(new Uint8Array([0xc3]))).toThrow(/UTF-8/);
    expect(() => textCodec.encode(1 as unknown as string)).toThrow(/strings only/);
  });
});

describe('bytesCodec', () => {
  it('copies in and out', () => {
    const input = new Uint8Array([1, 2, 3]);
    const stored = bytesCodec.encode(input);
    input[0] = 9;
    expect(stored).toStrictEqual(new Uint8Array([1, 2, 3]));
    const out = bytesCodec.decode(stored);
    out[1] = 9;
    expect(stored[1]).toBe(2);
    expect(() => bytesCodec.encode('x' as unknown as Uint8Array)).toThrow(/Uint8Arrays only/);
  });
});

describe('jsonCodec limits', () => {
  it('reports nesting too deep for the engine as ERR_STATE_SERIALIZATION', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    let err: unknown;
    try {
      jsonCodec.encode(deep);
    } catch (e) {
      err = e;
    }
    expect(isStateError(err, 'ERR_STATE_SERIALIZATION')).toBe(true);
  });
});
