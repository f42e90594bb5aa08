/** The package named in every message. */
export const SOURCE = '@pforge/state-patterns';
