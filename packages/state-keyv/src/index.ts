export type { KeyvAdapterOpts, KeyvStateAdapter } from './adapter.js';
export { createKeyvAdapter } from './adapter.js';
export type { KeyvAdapterOptions, ResolvedKeyvAdapterOptions } from './options.js';
export { resolveOptions } from './options.js';
export { decodeValue, encodeValue } from './value-codec.js';
