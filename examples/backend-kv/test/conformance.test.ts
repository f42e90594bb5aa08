import { runConformanceSuite } from '@pforge/state-conformance';
import { createKvState } from '../src/index.js';

// One store name per test file: every manager the suite opens shares it.
const store = `conformance-${process.pid}`;

runConformanceSuite({
  name: '@acme/state-kv',
  create: ({ namespace }) => createKvState({ namespace, store }),
});
