import { StateError } from '@pforge/state-core';
import { SOURCE } from './errors.js';

/** A call that holds the claim: its lease ends at `x` unless renewed. */
export interface RunningRecord {
  s: 'run';
  /** Arguments digest. */
  d: string;
  /** Fencing token. */
  t: number;
  /** Lease end, epoch ms. */
  x: number;
}

/** A finished call (its outcome follows the header in the stored bytes). */
export interface DoneRecord {
  s: 'done';
  d: string;
  t: number;
  /** Completed at, epoch ms. */
  at: number;
}

/** What an idempotency key's record says. */
export type IdempotencyRecord = RunningRecord | DoneRecord;

/** A decoded record and, when finished, the codec bytes of its outcome. */
export interface StoredRecord {
  record: IdempotencyRecord;
  outcome?: Uint8Array;
}

// Layout: the header as JSON text, then (finished records only) a newline and the outcome as
// the codec wrote it. JSON.stringify never writes a raw newline, so the first one splits them;
// the header is read without running the (possibly costly) outcome codec.
const NEWLINE = 0x0a;
const utf8 = new TextEncoder();
const strict = new TextDecoder('utf-8', { fatal: true });

/** The stored bytes of a running claim. */
export function encodeRunning(r: RunningRecord): Uint8Array {
  return utf8.encode(JSON.stringify(r));
}

/** The stored bytes of a finished call: header, newline, outcome. */
export function encodeDone(r: DoneRecord, outcome: Uint8Array): Uint8Array {
  const header = utf8.encode(JSON.stringify(r));
  const bytes = new Uint8Array(header.byteLength + 1 + outcome.byteLength);
  bytes.set(header);
  bytes[header.byteLength] = NEWLINE;
  bytes.set(outcome, header.byteLength + 1);
  return bytes;
}

/** Decodes a stored record; anything unexpected is `ERR_STATE_SERIALIZATION`. */
export function decodeRecord(bytes: Uint8Array): StoredRecord {
  const cut = bytes.indexOf(NEWLINE);
  let r: Partial<IdempotencyRecord> | null = null;
  try {
    r = JSON.parse(strict.decode(cut < 0 ? bytes : bytes.subarray(0, cut)));
  } catch {
    // reported below
  }
  const ok =
    typeof r === 'object' &&
    r !== null &&
    typeof r.d === 'string' &&
    typeof r.t === 'number' &&
    ((r.s === 'run' && typeof r.x === 'number' && cut < 0) ||
      (r.s === 'done' && typeof r.at === 'number' && cut >= 0));
  if (!ok) {
    throw new StateError(
      'ERR_STATE_SERIALIZATION',
      `[${SOURCE}] an idempotency record has an unexpected shape (a key shared with other data?)`,
    );
  }
  const record = r as IdempotencyRecord;
  return cut < 0 ? { record } : { record, outcome: bytes.subarray(cut + 1) };
}
