import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConformanceSuite } from '@pforge/state-conformance';
import { createLmdbState } from '../src/index.js';

// One directory for the whole file: the suite opens every manager on the same store.
const path = mkdtempSync(join(tmpdir(), 'pforge-lmdb-conformance-'));

runConformanceSuite({
  name: 'lmdb',
  create: ({ namespace }) => createLmdbState({ path, namespace, sweepIntervalMs: 100 }),
  teardown: async () => rmSync(path, { recursive: true, force: true }),
});
