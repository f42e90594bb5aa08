/**
 * A tiny interleaved benchmark harness: every case of a workload runs once per round, in a
 * shuffled order, for a fixed time; the reported figure is the median ops/s over rounds, and
 * each case's ratio is taken against the workload's baseline in the same run.
 */
export interface BenchCase {
  /** Shown in the table, e.g. `@pforge/state-memory`. */
  name: string;
  /** One batch of work; resolves the number of operations it did. */
  run: () => Promise<number>;
}

export interface Workload {
  /** e.g. `get hit`. */
  name: string;
  /** Name of the case the ratios are taken against. */
  baseline: string;
  cases: BenchCase[];
  /** Optional setup run once before the rounds. */
  setup?: () => Promise<void>;
}

export interface Row {
  workload: string;
  name: string;
  opsPerSec: number;
  ratio: number;
}

export interface BenchOptions {
  /** Interleaved rounds. */
  rounds?: number;
  /** Time each case gets per round, in ms. */
  sliceMs?: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function shuffle<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

async function timeSlice(c: BenchCase, sliceMs: number): Promise<number> {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < sliceMs) {
    ops += await c.run();
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/** Runs every workload's cases interleaved and returns one row per case. */
export async function runWorkloads(
  workloads: Workload[],
  options: BenchOptions = {},
): Promise<Row[]> {
  const rounds = options.rounds ?? Number(process.env.BENCH_ROUNDS ?? 7);
  const sliceMs = options.sliceMs ?? Number(process.env.BENCH_SLICE_MS ?? 300);
  const rows: Row[] = [];
  for (const w of workloads) {
    await w.setup?.();
    for (const c of w.cases) await timeSlice(c, Math.min(100, sliceMs)); // warm-up
    const samples = new Map<string, number[]>(w.cases.map((c) => [c.name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const c of shuffle(w.cases)) samples.get(c.name)!.push(await timeSlice(c, sliceMs));
    }
    const base = median(samples.get(w.baseline) ?? [Number.NaN]);
    for (const c of w.cases) {
      const ops = median(samples.get(c.name)!);
      rows.push({ workload: w.name, name: c.name, opsPerSec: ops, ratio: ops / base });
    }
    printRows(rows.filter((r) => r.workload === w.name));
  }
  return rows;
}

/** Prints rows as a Markdown table. */
export function printRows(rows: Row[]): void {
  for (const r of rows) {
    const ops = Math.round(r.opsPerSec).toLocaleString('en-US');
    console.log(`| ${r.workload} | ${r.name} | ${ops} | ${r.ratio.toFixed(2)}× |`);
  }
}

/** The Markdown table header matching {@link printRows}. */
export const TABLE_HEADER =
  '| workload | implementation | median ops/s | ratio to baseline |\n|---|---|---:|---:|';

/** `n` promises in flight, `total` operations in all; resolves `total`. */
export async function inFlight(
  n: number,
  total: number,
  op: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < total) await op(next++);
  };
  await Promise.all(Array.from({ length: n }, worker));
  return total;
}
