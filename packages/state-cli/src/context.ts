import { describeError, EXIT, isUsageError } from './errors.js';
import { type OpenedStore, openStore } from './open.js';
import { createProgress, noProgress, type Progress } from './progress.js';

/** The streams and environment a `pforge-state` run uses (the process's own, or a test's). */
export interface CliIo {
  /** Input of `restore` and `set` without a value. */
  stdin: NodeJS.ReadableStream;
  /** Results: values, keys, NDJSON, summaries, `--json` objects. */
  stdout: NodeJS.WritableStream;
  /** Errors, notices and the progress display (a bar when this is a TTY). */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Relative paths are taken from here. */
  cwd: string;
  /** `${VAR}` in configs, and `PFORGE_STATE_PROGRESS_MS` (plain progress line interval). */
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C: long commands stop after the batch in flight. */
  signal?: AbortSignal;
  /** Whether stdin is a regular file that can be read twice from its start (`< file`). */
  stdinIsFile?: boolean;
}

/** Options every command takes. */
export interface GlobalOptions {
  /** The pforge YAML file whose `state:` block is opened. */
  config: string;
  /** Machine-readable output. */
  json: boolean;
  /** Progress display on stderr for long commands. */
  progress: boolean;
}

/** One run of the CLI: its streams, output helpers and the exit code. */
export class CliContext {
  exitCode: number = EXIT.ok;

  constructor(
    readonly io: CliIo,
    readonly json: boolean,
  ) {}

  /** Writes a result: `data` as one JSON line with `--json`, else the `human` lines. */
  result(data: object, human: string | readonly string[]): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(data)}\n`);
    else for (const line of typeof human === 'string' ? [human] : human) this.out(line);
  }

  /** One line on stdout. */
  out(line: string): void {
    this.io.stdout.write(`${line}\n`);
  }

  /** One diagnostic line on stderr (hidden with `--json`, where only results and errors show). */
  note(line: string): void {
    if (!this.json) this.io.stderr.write(`${line}\n`);
  }

  /** Prints `err` as one error (a JSON object with `--json`) and returns its exit code. */
  fail(err: unknown): number {
    const { code, message } = describeError(err);
    const text = message.replace(/^\[@pforge\/state-cli\] /, '');
    if (this.json) this.io.stderr.write(`${JSON.stringify({ error: { code, message: text } })}\n`);
    else this.io.stderr.write(`pforge-state: ${text}\n`);
    this.exitCode = isUsageError(err) ? EXIT.usage : EXIT.failure;
    return this.exitCode;
  }

  /** A progress display on stderr for `label`, or none when `--no-progress`. */
  progress(globals: GlobalOptions, label: string, unit = 'keys'): Progress {
    if (!globals.progress) return noProgress;
    const ms = Number(this.io.env.PFORGE_STATE_PROGRESS_MS);
    return createProgress({
      label,
      unit,
      stream: this.io.stderr,
      ...(Number.isSafeInteger(ms) && ms > 0 ? { intervalMs: ms } : {}),
    });
  }

  /**
   * Opens the config's store, runs `fn`, and closes the store. `reads` (commands that only
   * read): a store `path` that does not exist is an error rather than a new empty store.
   */
  async withStore<T>(
    file: string,
    fn: (store: OpenedStore) => Promise<T>,
    reads = false,
  ): Promise<T> {
    const store = await this.open(file, reads);
    try {
      return await fn(store);
    } finally {
      await store.state.close();
    }
  }

  /** {@link CliContext.withStore} for commands that only read (or change existing keys). */
  readStore<T>(file: string, fn: (store: OpenedStore) => Promise<T>): Promise<T> {
    return this.withStore(file, fn, true);
  }

  /** Opens the store of config `file` (notices go to stderr). */
  open(file: string, mustExist = false): Promise<OpenedStore> {
    return openStore(file, {
      mustExist,
      cwd: this.io.cwd,
      env: this.io.env,
      onNotice: (message) =>
        this.io.stderr.write(
          this.json
            ? `${JSON.stringify({ notice: message })}\n`
            : `pforge-state: notice: ${message}\n`,
        ),
    });
  }
}
