import type { Options } from 'tsup';

/**
 * The one build every package shares: ESM + CJS + declarations from `src/index.ts`.
 * Kept thin on purpose so a later switch to tsdown is a small change.
 */
export const baseConfig: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  treeshake: true,
};
