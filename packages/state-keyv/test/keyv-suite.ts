import {
  keyvApiTests,
  keyvIteratorTests,
  keyvNamespaceTest,
  keyvValueTests,
} from '@keyv/test-suite';
import type { StateManager } from '@pforge/state-core';
import Keyv from 'keyv';
import * as vitest from 'vitest';
import { createKeyvAdapter } from '../src/index.js';
import { type Store, type TargetSpec, uniqueNamespace } from './targets.js';

/**
 * Runs every store-adapter test that `@keyv/test-suite` 2.x ships (its default export is
 * api + values + namespace; iterator is separate) against the adapter on `spec`. Each call of
 * the suite's `store()` makes a fresh adapter (Keyv writes its namespace onto the adapter) over
 * one manager in a namespace of its own. `keyvCompresstionTests` tests a compression adapter
 * on a Map and never reaches a store, so it does not apply (see README).
 */
export function runKeyvTestSuite(spec: TargetSpec): void {
  vitest.describe(`@keyv/test-suite on ${spec.name}`, () => {
    let store: Store | undefined;
    let state: StateManager | undefined;
    vitest.beforeAll(async () => {
      store = await spec.setup();
      state = await store.open(uniqueNamespace('keyv-suite'));
    });
    vitest.afterAll(async () => {
      await state?.close();
      await store?.teardown();
    });
    const adapter = () => {
      if (!state) throw new Error(`${spec.name}: setup failed`);
      return createKeyvAdapter(state);
    };
    vitest.describe('keyvApiTests', () => keyvApiTests(vitest, Keyv, adapter));
    vitest.describe('keyvValueTests', () => keyvValueTests(vitest, Keyv, adapter));
    vitest.describe('keyvNamespaceTest', () => keyvNamespaceTest(vitest, Keyv, adapter));
    vitest.describe('keyvIteratorTests', () => keyvIteratorTests(vitest, Keyv, adapter));
  });
}
