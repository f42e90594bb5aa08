import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type InspectionValue,
  inspectState,
  isStateError,
  type StateInspection,
  type StateManager,
} from '@pforge/state-core';
import { describeError } from './errors.js';
import { findPackage, type OpenedStore, ownDirectory, packageVersion } from './open.js';

/** One finding of `doctor`. */
export interface Check {
  /** What was checked, e.g. `latency`. */
  name: string;
  /** `fail` makes the exit code 1; `warn` is a hazard worth knowing. */
  status: 'ok' | 'warn' | 'fail';
  /** One line for people. */
  message: string;
  /** Figures for `--json`. */
  data?: Readonly<Record<string, unknown>>;
}

/** The reserved prefix of doctor's probe keys (each deleted after the pings). */
export const PROBE_PREFIX = '__pforge-state-doctor__/';

/** Nearest-rank percentile `p` (0–100) of sorted `xs`. */
export function percentile(sorted: readonly number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

/** Round-trip latency: `pings` times a `set` then a `get` of one probe key, deleted after. */
export async function measureLatency(state: StateManager, pings = 100): Promise<Check> {
  const key = `${PROBE_PREFIX}${process.pid}-${Math.random().toString(36).slice(2)}`;
  const value = new Uint8Array(16).fill(0x2a);
  const ms: number[] = [];
  try {
    for (let i = 0; i < pings; i++) {
      const t0 = performance.now();
      await state.set(key, value, { ttl: 60_000 });
      await state.get(key);
      ms.push(performance.now() - t0);
    }
  } finally {
    await state.delete(key).catch(() => false);
  }
  ms.sort((a, b) => a - b);
  const [p50, p99] = [percentile(ms, 50), percentile(ms, 99)];
  const message = `set+get p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms over ${pings} pings`;
  return { name: 'latency', status: 'ok', message, data: { pings, p50_ms: p50, p99_ms: p99 } };
}

/**
 * `inspectState` of `state`, or, for a manager that carries no info (a hand-written
 * backend), what the config says with no details.
 */
export async function inspectOrDescribe(store: OpenedStore): Promise<StateInspection> {
  try {
    return await inspectState(store.state);
  } catch (err) {
    if (!isStateError(err, 'ERR_STATE_INVALID_ARGUMENT')) throw err;
    return {
      backend: store.backend,
      source: store.backendPackage,
      namespace: store.namespace,
      settlesLocally: false,
      details: {},
    };
  }
}

const NODE_MIN = [20, 11] as const;

function nodeOk(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > NODE_MIN[0] || (major === NODE_MIN[0] && minor >= NODE_MIN[1]);
}

/** Node, this CLI, the core it loaded, the backend package and the core that one loads. */
export function checkVersions(store: OpenedStore): Check {
  const own = ownDirectory();
  const coreDir = findPackage('@pforge/state-core', own);
  const versions: Record<string, string> = {
    node: process.versions.node,
    '@pforge/state-cli': packageVersion(resolve(own, '..')) ?? '?',
    '@pforge/state-core': (coreDir && packageVersion(coreDir)) ?? '?',
  };
  const problems: string[] = [];
  if (!nodeOk(process.versions.node))
    problems.push(`Node ${NODE_MIN.join('.')} or later is needed`);
  const backendDir = findPackage(store.backendPackage, store.resolvedFrom);
  if (backendDir !== undefined) {
    versions[store.backendPackage] = packageVersion(backendDir) ?? '?';
    const theirCore = findPackage('@pforge/state-core', realpathSync(backendDir));
    const theirs = theirCore && packageVersion(theirCore);
    if (theirs && theirs !== versions['@pforge/state-core']) {
      problems.push(
        `${store.backendPackage} loads @pforge/state-core ${theirs}, this CLI ${versions['@pforge/state-core']}: install one version`,
      );
    }
  }
  const list = Object.entries(versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return {
    name: 'versions',
    status: problems.length === 0 ? 'ok' : nodeOk(process.versions.node) ? 'warn' : 'fail',
    message: problems.length === 0 ? list : `${list}: ${problems.join('; ')}`,
    data: versions,
  };
}

const num = (v: InspectionValue | undefined): number | undefined =>
  typeof v === 'number' ? v : undefined;

/** Known hazards the backend's figures show. */
export function hazards(info: StateInspection, backend: string): Check[] {
  const out: Check[] = [];
  const d = info.details;
  if (backend === 'sled') {
    out.push({
      name: 'config',
      status: 'warn',
      message:
        "`backend: sled` is the Rust runtime's store: this opens LMDB at the same `path` and does not read sled data; write `backend: lmdb`",
    });
  }
  const ratio = num(d.map_used_ratio);
  if (info.backend === 'lmdb' && ratio !== undefined && ratio >= 0.8) {
    out.push({
      name: 'lmdb map',
      status: 'warn',
      message: `the LMDB map is ${Math.round(ratio * 100)}% used: it grows by itself, but a larger \`map_size\` avoids the pause and a full disk ends it`,
      data: { map_used_ratio: ratio, map_size_bytes: num(d.map_size_bytes) ?? null },
    });
  }
  if (info.backend === 'redis' && d.persistence === 'none') {
    out.push({
      name: 'redis persistence',
      status: 'warn',
      message:
        'this Redis has neither AOF nor RDB: every key is lost when redis-server restarts (fine for a cache; turn on `appendonly yes` when durability matters)',
    });
  }
  return out;
}

/** A failed check from an error (its message as the factory or backend wrote it). */
export function failed(name: string, err: unknown): Check {
  const { code, message } = describeError(err);
  return { name, status: 'fail', message, data: { code } };
}
