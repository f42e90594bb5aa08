import { afterAll, describe } from 'vitest';
import { registerBasic } from './basic.js';
import { registerBatch } from './batch.js';
import { registerCas } from './cas.js';
import { registerClear } from './clear.js';
import { registerConcurrency } from './concurrency.js';
import { registerCounter } from './counter.js';
import { registerErrors } from './errors.js';
import { registerFuzz } from './fuzz.js';
import { createHarness } from './harness.js';
import { registerKeys } from './keys.js';
import { registerLifecycle } from './lifecycle.js';
import { registerModel } from './model.js';
import { registerNamespace } from './namespace.js';
import { registerOrder } from './order.js';
import { registerOwnership } from './ownership.js';
import type { ConformanceTarget } from './target.js';
import { registerTtl } from './ttl.js';
import { registerValues } from './values.js';

export type {
  ConformanceCapabilities,
  ConformanceFastCheck,
  ConformanceTarget,
  ConformanceTiming,
} from './target.js';

/**
 * Registers the whole @pforge/state conformance suite as vitest tests for `target`. Call it
 * at the top level of a test file. Tests run one after another (they share one store); each
 * uses fresh random namespaces and closes every manager it opened.
 * @example
 * import { runConformanceSuite } from '@pforge/state-conformance';
 * import { createFooState } from '../src/index.js';
 *
 * runConformanceSuite({
 *   name: 'foo',
 *   create: ({ namespace }) => createFooState({ namespace }),
 * });
 */
export function runConformanceSuite(target: ConformanceTarget): void {
  const timeout = target.timing?.testTimeoutMs ?? 20_000;
  describe.sequential(`@pforge/state-conformance: ${target.name}`, { timeout }, () => {
    const h = createHarness(target);
    registerBasic(h);
    registerValues(h);
    registerOwnership(h);
    registerTtl(h);
    registerBatch(h);
    registerCounter(h);
    registerCas(h);
    registerNamespace(h);
    registerKeys(h);
    registerClear(h);
    registerLifecycle(h);
    registerErrors(h);
    registerConcurrency(h);
    registerOrder(h);
    registerModel(h);
    registerFuzz(h);
    if (target.teardown) {
      const teardown = target.teardown.bind(target);
      afterAll(() => teardown());
    }
  });
}
