import { Transform, type TransformCallback } from 'node:stream';

/** A line the limit refused. */
export interface RefusedLine {
  /** Its length in bytes, without the newline. */
  bytes: number;
  /**
   * The JSON-RPC `id` read from its end, where the official SDKs put it (`…,"id":7}`), or
   * `null` when it is not there (JSON-RPC answers an unreadable request with id `null`).
   */
  id: string | number | null;
}

/** How many bytes of a refused line are kept, to read its `id`. */
const TAIL_BYTES = 256;
const NEWLINE = 0x0a;
const TRAILING_ID = /"id"\s*:\s*(-?\d{1,16}|"(?:[^"\\]|\\.){0,200}")\s*\}\s*$/;

/**
 * Passes newline-delimited messages through one line per chunk, and drops (without buffering
 * it) any line longer than `maxLineBytes`, calling `onRefused` once its end arrives. In front
 * of the SDK's stdio transport, which otherwise closes the whole connection on such a line.
 */
export class LineLimit extends Transform {
  readonly #maxLineBytes: number;
  readonly #onRefused: (line: RefusedLine) => void;
  #parts: Buffer[] = [];
  #size = 0;

  constructor(maxLineBytes: number, onRefused: (line: RefusedLine) => void) {
    super();
    this.#maxLineBytes = maxLineBytes;
    this.#onRefused = onRefused;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      this.#take(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1) break;
      this.#endLine(true);
      start = newline + 1;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.#size > 0) this.#endLine(false);
    done();
  }

  #take(piece: Buffer): void {
    if (piece.length === 0) return;
    this.#size += piece.length;
    this.#parts.push(piece);
    // Over the limit, only the tail is kept (for the id): memory stays bounded.
    if (this.#size > this.#maxLineBytes) this.#parts = [lastBytes(this.#parts, TAIL_BYTES)];
  }

  #endLine(terminated: boolean): void {
    if (this.#size > this.#maxLineBytes) {
      const tail = this.#parts[0]?.toString('utf8') ?? '';
      this.#onRefused({ bytes: this.#size, id: trailingId(tail) });
    } else if (terminated) {
      this.push(Buffer.concat([...this.#parts, Buffer.of(NEWLINE)]));
    } else if (this.#size > 0) {
      this.push(Buffer.concat(this.#parts)); // an unterminated last line: the reader ignores it
    }
    this.#parts = [];
    this.#size = 0;
  }
}

/** The last `n` bytes of the concatenation of `parts`. */
function lastBytes(parts: Buffer[], n: number): Buffer {
  const kept: Buffer[] = [];
  let size = 0;
  for (let i = parts.length - 1; i >= 0 && size < n; i--) {
    kept.unshift(parts[i]!);
    size += parts[i]!.length;
  }
  const joined = Buffer.concat(kept);
  return joined.subarray(Math.max(0, joined.length - n));
}

function trailingId(tail: string): string | number | null {
  const match = TRAILING_ID.exec(tail);
  if (!match) return null;
  try {
    return JSON.parse(match[1]!) as string | number;
  } catch {
    return null;
  }
}
