import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetSpec } from './targets.js';

const tryImport = async <T>(name: string): Promise<T | undefined> => {
  try {
    return (await import(name)) as T;
  } catch {
    return undefined;
  }
};

type MemoryMod = typeof import('@pforge/state-memory');

const memory = await tryImport<MemoryMod>('@pforge/state-memory');

/** The real backends built in this checkout. */
export function realTargets(): TargetSpec[] {
  const specs: TargetSpec[] = [];
  if (memory) {
    specs.push({
      name: 'memory',
      setup: async () => {
        const store = memory.createMemoryStore();
        return {
          open: async (namespace) => memory.createMemoryState({ store, namespace }),
          teardown: async () => {},
        };
      },
    });
  }
  void mkdtempSync;
  void rmSync;
  void tmpdir;
  void join;
  return specs;
}
