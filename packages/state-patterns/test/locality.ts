import { type StateManager, stateInfo } from '@pforge/state-core';
import { attachStateInfo } from '@pforge/state-core/backend';

/**
 * Makes `manager` declare whether its calls settle locally, as the memory and LMDB backends
 * are about to do themselves (when a backend already says, its own info is kept).
 */
export function declareLocality<M extends StateManager>(
  manager: M,
  backend: string,
  namespace: string,
  settlesLocally: boolean,
): M {
  if (stateInfo(manager) !== undefined) return manager;
  return attachStateInfo(manager, {
    backend,
    source: `@pforge/state-${backend}`,
    namespace,
    settlesLocally,
  });
}

/** A plain object calling `manager`'s methods: a manager that says nothing about itself. */
export function delegate(manager: StateManager): StateManager {
  return {
    get: (k) => manager.get(k),
    set: (k, v, o) => manager.set(k, v, o),
    delete: (k) => manager.delete(k),
    exists: (k) => manager.exists(k),
    getMany: (ks) => manager.getMany(ks),
    setMany: (es) => manager.setMany(es),
    deleteMany: (ks) => manager.deleteMany(ks),
    increment: (k, d, o) => manager.increment(k, d, o),
    compareAndSwap: (k, e, n, o) => manager.compareAndSwap(k, e, n, o),
    ttl: (k) => manager.ttl(k),
    expire: (k, t) => manager.expire(k, t),
    keys: (o) => manager.keys(o),
    clear: (o) => manager.clear(o),
    close: () => manager.close(),
    [Symbol.asyncDispose]: () => manager.close(),
  };
}
