// cli-progress is CommonJS: its default export is the one Node's ESM loader can always see.
import cliProgress, { type Options, type Params } from 'cli-progress';
import { formatDuration } from './duration.js';

/** Shows how far a long command is. */
export interface Progress {
  /** `done` items so far (absolute, not a delta). */
  update(done: number): void;
  /** The number of items in all, once known (the bar and ETA need it). */
  setTotal(total: number): void;
  /** Stops the display (idempotent); the caller prints the summary afterwards. */
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Shown first on the line, e.g. `dump`. */
  label: string;
  /** The items counted, plural, e.g. `keys`. */
  unit: string;
  /** Where it is drawn: a bar when this is a TTY, else one plain line every `intervalMs`. */
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Pause between two plain lines when `stream` is not a TTY, in ms. @default 5000 */
  intervalMs?: number;
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The line for `done` of `total` (0 = unknown) after `elapsedMs`. */
export function progressLine(
  label: string,
  unit: string,
  done: number,
  total: number,
  elapsedMs: number,
  bar = '',
): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const parts = [`${label}${bar ? ` ${bar}` : ''}`];
  if (total > 0) {
    const pct = Math.min(100, Math.floor((done / total) * 100));
    parts.push(`${pct}% ${count(done)}/${count(total)} ${unit}`);
  } else {
    parts.push(`${count(done)} ${unit}`);
  }
  parts.push(`${count(rate)} ${unit}/s`);
  const left = Math.max(0, total - done);
  parts.push(`ETA ${total > 0 && rate > 0 ? formatDuration((left / rate) * 1000) : '?'}`);
  return parts.join(' | ');
}

/**
 * A progress display on `stream` (stderr) with count, rate and ETA: on a TTY, a bar redrawn
 * by cli-progress; otherwise (logs, CI, redirected stderr) one plain line every `intervalMs`,
 * the first after `intervalMs`, so short runs print nothing. The display (and the clock of
 * the rate) starts at the first `update` or `setTotal`, so a preparation phase (restore's
 * check of its input) does not count.
 */
export function createProgress(options: ProgressOptions): Progress {
  let shown: Progress | undefined;
  let stopped = false;
  const show = (): Progress | undefined => {
    if (stopped) return undefined;
    shown ??= options.stream.isTTY === true ? ttyProgress(options) : plainProgress(options);
    return shown;
  };
  return {
    update: (done) => show()?.update(done),
    setTotal: (total) => show()?.setTotal(total),
    stop: () => {
      stopped = true;
      shown?.stop();
    },
  };
}

function ttyProgress(options: ProgressOptions): Progress {
  const started = Date.now();
  const format = (o: Options, p: Params): string => {
    const bar = p.total > 0 ? cliProgress.Format.BarFormat(p.value / p.total, o) : '';
    return progressLine(options.label, options.unit, p.value, p.total, Date.now() - started, bar);
  };
  const bar = new cliProgress.SingleBar({
    stream: options.stream,
    format,
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
    fps: 5,
    // The command's own SIGINT handling stops the bar.
    gracefulExit: false,
  });
  bar.start(0, 0);
  return {
    update: (done) => bar.update(done),
    setTotal: (total) => bar.setTotal(total),
    stop: () => bar.stop(),
  };
}

function plainProgress(options: ProgressOptions): Progress {
  const started = Date.now();
  let done = 0;
  let total = 0;
  const timer = setInterval(() => {
    const line = progressLine(options.label, options.unit, done, total, Date.now() - started);
    options.stream.write(`${line}\n`);
  }, options.intervalMs ?? 5000);
  timer.unref();
  return {
    update: (n) => {
      done = n;
    },
    setTotal: (n) => {
      total = n;
    },
    stop: () => clearInterval(timer),
  };
}

/** A display that shows nothing (`--no-progress`, or short commands). */
export const noProgress: Progress = { update() {}, setTotal() {}, stop() {} };
