import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { namespacePrefix } from '../src/backend.js';
import { createMapState } from './map-driver.js';

describe('namespacePrefix', () => {
  it('is readable for ordinary namespaces', () => {
    expect(namespacePrefix('pforge')).toBe('pforge:');
    expect(namespacePrefix('a:b')).toBe('a\\:b:');
    expect(namespacePrefix('a\\')).toBe('a\\\\:');
  });

  it('never maps two distinct (namespace, key) pairs to the same stored key', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', ':', '\\', '*'),
      minLength: 1,
      maxLength: 6,
    });
    fc.assert(
      fc.property(text, text, text, text, (ns1, k1, ns2, k2) => {
        fc.pre(ns1 !== ns2 || k1 !== k2);
        expect(namespacePrefix(ns1) + k1).not.toBe(namespacePrefix(ns2) + k2);
      }),
      { numRuns: 5000 },
    );
  });

  it('no namespace prefix starts another namespace prefix', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a !== b);
        expect(namespacePrefix(b).startsWith(namespacePrefix(a))).toBe(false);
      }),
    );
  });

  it('keeps namespace a / key b:c apart from namespace a:b / key c in a real store', async () => {
    const store = new Map();
    const one = createMapState('a', store);
    const two = createMapState('a:b', store);
    await one.set('b:c', new Uint8Array([1]));
    expect(await two.get('c')).toBeUndefined();
    await two.set('c', new Uint8Array([2]));
    expect(await one.get('b:c')).toEqual(new Uint8Array([1]));
    const keysOfOne: string[] = [];
    for await (const k of one.keys()) keysOfOne.push(k);
    expect(keysOfOne).toEqual(['b:c']);
    expect(await two.clear()).toBe(1);
    expect(await one.exists('b:c')).toBe(true);
  });
});
