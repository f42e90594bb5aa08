import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { CliIo } from './context.js';
import { failure, usageError } from './errors.js';
import type { LineSource } from './restore.js';

/** The lines of `restore`'s input, readable twice, and how to release them. */
export interface RestoreInput {
  lines: LineSource;
  /** Removes the temporary copy of a piped input, if any. */
  close(): Promise<void>;
}

const linesOf = (open: () => NodeJS.ReadableStream): LineSource => {
  return () => createInterface({ input: open(), crlfDelay: Number.POSITIVE_INFINITY });
};

/**
 * Opens `restore`'s input so it can be read twice (checked, then written): a named file; stdin
 * when it is a regular file (`< dump.ndjson`, read from its start each time); otherwise
 * (a pipe) a copy of stdin in a temporary directory, removed by `close()`.
 */
export async function openRestoreInput(io: CliIo, file: string | undefined): Promise<RestoreInput> {
  const none = async () => {};
  if (file !== undefined) {
    const path = resolve(io.cwd, file);
    const s = await stat(path).catch((err: unknown) => {
      throw failure(
        'ERR_STATE_INVALID_ARGUMENT',
        `cannot read ${path} (${(err as { code?: string }).code ?? 'error'})`,
        err,
      );
    });
    if (!s.isFile()) throw failure('ERR_STATE_INVALID_ARGUMENT', `${path} is not a file`);
    return { lines: linesOf(() => createReadStream(path)), close: none };
  }
  if ((io.stdin as { isTTY?: boolean }).isTTY) {
    throw usageError(
      'restore reads a dump from FILE or stdin (`restore < dump.ndjson`), not from a terminal',
    );
  }
  if (io.stdinIsFile) {
    const open = () => createReadStream('/dev/stdin', { fd: 0, start: 0, autoClose: false });
    return { lines: linesOf(open), close: none };
  }
  const dir = await mkdtemp(join(tmpdir(), 'pforge-state-restore-'));
  const close = () => rm(dir, { recursive: true, force: true });
  const copy = join(dir, 'input.ndjson');
  try {
    await pipeline(io.stdin, createWriteStream(copy), io.signal ? { signal: io.signal } : {});
  } catch (err) {
    await close();
    // Ctrl-C while copying: nothing to restore; the caller reports the interruption.
    if (io.signal?.aborted) return { lines: async function* () {}, close: none };
    throw failure('ERR_STATE_BACKEND', 'cannot copy stdin to a temporary file', err);
  }
  return { lines: linesOf(() => createReadStream(copy)), close };
}
