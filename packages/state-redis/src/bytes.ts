/** A Buffer over the same memory as `v` (no copy): only for a command written at once. */
export const view = (v: Uint8Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** A fresh Buffer holding a copy of `v`, for a command that may be written later. */
export const copyIn = (v: Uint8Array): Buffer => Buffer.from(v);

/**
 * A reply's bytes as a plain, exact-size `Uint8Array` the caller owns (`byteOffset` 0, its
 * own `ArrayBuffer`): a reply Buffer is a view into the socket's chunk, shared with other
 * replies. `set()` copies much faster than the copying constructor.
 */
export function copyOut(buf: Uint8Array): Uint8Array {
  const out = new Uint8Array(buf.byteLength);
  out.set(buf);
  return out;
}

/** A GET reply as the caller's value. */
export const toValue = (buf: Buffer | null): Uint8Array | undefined =>
  buf === null ? undefined : copyOut(buf);
