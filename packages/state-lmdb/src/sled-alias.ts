import type { BackendAlias } from '@pforge/state-core/backend';
import { SOURCE } from './source.js';

/** sled (Rust runtime) options that mean nothing to LMDB; dropped with the notice. */
const SLED_ONLY_OPTIONS = [
  'cache_capacity',
  'flush_every_ms',
  'mode',
  'use_compression',
  'compression_factor',
  'temporary',
  'create_new',
  'segment_size',
  'print_profile_on_drop',
];

/**
 * `backend: sled`: a config written for the Rust runtime opens LMDB at the same `path`,
 * without its sled-only options; the notice says so, and that sled data is not read.
 */
export const sledAlias: BackendAlias = {
  translate(options, notice) {
    const dropped = Object.keys(options).filter((k) => SLED_ONLY_OPTIONS.includes(k));
    const kept = Object.fromEntries(Object.entries(options).filter(([k]) => !dropped.includes(k)));
    const ignored = dropped.length > 0 ? `; sled-only options ignored: ${dropped.join(', ')}` : '';
    notice(
      `[${SOURCE}] \`backend: sled\` is the Rust runtime's store; this runtime opens LMDB at the same \`path\` instead (existing sled data is not read)${ignored}. Write \`backend: lmdb\` to silence this notice.`,
    );
    return kept;
  },
};
