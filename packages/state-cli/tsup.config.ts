import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base';

// The library in both formats; the `pforge-state` bin as ESM only (it uses top-level await).
export default defineConfig([
  { ...baseConfig },
  { ...baseConfig, entry: { cli: 'src/cli.ts' }, format: ['esm'], dts: false, clean: false },
]);
