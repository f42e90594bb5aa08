import { randomBytes } from 'node:crypto';
import type { StateManager } from '@pforge/state-core';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { createMapStore } from './map-backend.js';
import { realTargets } from './real-targets.js';

/** One store that several managers can be opened on. */
export interface Target {
  open(namespace: string): Promise<StateManager>;
  teardown(): Promise<void>;
}

/** A backend the pattern tests run on. */
export interface TargetSpec {
  name: string;
  setup(): Promise<Target>;
}

/** What a test sees of the backend under test. */
export interface Harness {
  readonly name: string;
  /** A fresh manager on the target's one store (closed after the test). Same namespace = same keys. */
  open(namespace?: string): Promise<StateManager>;
  /** Three managers on the same store and namespace (as three clients would be). */
  openMany(n: number, namespace?: string): Promise<StateManager[]>;
}

/** A random key with `prefix`. */
export const rkey = (prefix = 'k') => `${prefix}:${randomBytes(6).toString('hex')}`;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const mapSpec: TargetSpec = {
  name: 'map (driver base)',
  setup: async () => {
    const store = createMapStore();
    return { open: async (ns) => store.open(ns), teardown: async () => {} };
  },
};

/** The bare driver-base backend, then every real one. */
export const targetSpecs: TargetSpec[] = [mapSpec, ...realTargets()];

/** Registers `body` once per backend, each in its own `describe`. */
export function forEachTarget(body: (h: Harness) => void, specs: TargetSpec[] = targetSpecs): void {
  for (const spec of specs) {
    describe(spec.name, () => {
      let target: Target | undefined;
      const opened: StateManager[] = [];
      beforeAll(async () => {
        target = await spec.setup();
      }, 60_000);
      afterAll(async () => {
        await target?.teardown();
      }, 30_000);
      afterEach(async () => {
        await Promise.all(opened.splice(0).map((m) => m.close()));
      });
      const open = async (ns = 'patterns-test') => {
        if (!target) throw new Error(`${spec.name}: setup failed`);
        const m = await target.open(ns);
        opened.push(m);
        return m;
      };
      body({
        name: spec.name,
        open,
        openMany: (n, ns) => Promise.all(Array.from({ length: n }, () => open(ns))),
      });
    });
  }
}
