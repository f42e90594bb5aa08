import type { StoreDriver } from './driver.js';
import { createManager } from './manager.js';
import { namespacePrefix, resolveNamespace } from './namespace.js';
import type { StateManager } from './types.js';

/** Options of {@link createDriverManager}. */
export interface DriverManagerOptions {
  /** The backend's name or package, shown in every error message. */
  source: string;
  /** The namespace. @default 'pforge' */
  namespace?: string;
}

/**
 * @deprecated Build on `createManager` from `@pforge/state-core/backend` (this adapter maps a
 * 0.1 driver onto it, namespacing keys as before, and goes away in the next minor).
 */
export function createDriverManager(
  driver: StoreDriver,
  options: DriverManagerOptions,
): StateManager {
  const namespace = resolveNamespace(options.namespace, options.source);
  const ns = namespacePrefix(namespace);
  return createManager({
    source: options.source,
    backend: options.source,
    namespace,
    operations: {
      read: (k) => driver.read(ns + k),
      write: (k, e) => driver.write(ns + k, e),
      remove: (k) => driver.remove(ns + k),
      swap: (k, expected, next) => driver.compareAndSwap(ns + k, expected?.value, next),
      scan: async function* (prefix) {
        for await (const k of driver.scan(ns + prefix)) yield k.slice(ns.length);
      },
      ...(driver.writeMany && {
        setMany: (entries) =>
          driver.writeMany!(
            entries.map((e) => [
              ns + e.key,
              { value: new Uint8Array(e.value), expiresAt: e.ttl && Date.now() + e.ttl },
            ]),
          ),
      }),
      ...(driver.removeMany && {
        deleteMany: (keys) => driver.removeMany!(keys.map((k) => ns + k)),
      }),
      close: () => driver.close(),
    },
  });
}
