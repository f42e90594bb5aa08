import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConformanceSuite } from '@pforge/state-conformance';
import type { StateManager } from '@pforge/state-core';
import { createLmdbState } from '@pforge/state-lmdb';
import { createMemoryState, createMemoryStore } from '@pforge/state-memory';
import { afterEach } from 'vitest';
import { createCachingLayer } from '../src/index.js';

// The caching layer is a StateManager, so it passes the suite every backend passes. Each
// manager the suite opens is a fresh layer over a fresh manager of the namespace it asks for,
// all on one store per backend: the suite's "another manager on the same store" checks then
// read through a second layer with its own memory. The layer borrows its backend (its close()
// leaves it open), so the backends are closed here, after the suite has closed the layers.

const backends: StateManager[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.close()));
});

/** A fresh caching layer over `backend`, which is closed after the test. */
function layerOver(backend: StateManager): StateManager {
  backends.push(backend);
  return createCachingLayer(backend);
}

const store = createMemoryStore({ sweepIntervalMs: 100 });

/** Another manager's writes show within the layer's `maxAgeMs` (1 s by default), not at once. */
const capabilities = {
  crossManagerVisibilityMs: 1_000,
  visibilityNote:
    'README "Guarantees": caching layer, the one difference from the contract (writes through another manager are seen within maxAgeMs)',
};

runConformanceSuite({
  name: 'caching layer over memory',
  capabilities,
  create: async ({ namespace }) => layerOver(await createMemoryState({ store, namespace })),
});

const path = mkdtempSync(join(tmpdir(), 'pforge-caching-layer-conformance-'));

runConformanceSuite({
  name: 'caching layer over lmdb',
  capabilities,
  create: async ({ namespace }) =>
    layerOver(await createLmdbState({ path, namespace, sweepIntervalMs: 100 })),
  teardown: async () => rmSync(path, { recursive: true, force: true }),
});
