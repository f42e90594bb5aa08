import { runConformanceSuite } from '@pforge/state-conformance';
import { createMemoryState, createMemoryStore } from '../src/index.js';

// One store for the whole file: the suite opens every manager on it, one namespace each.
const store = createMemoryStore({ sweepIntervalMs: 100 });

runConformanceSuite({
  name: 'memory',
  create: ({ namespace }) => createMemoryState({ store, namespace }),
});
