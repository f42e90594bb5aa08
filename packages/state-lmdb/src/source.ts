/** The package named in every message of this backend. */
export const SOURCE = '@pforge/state-lmdb';
