import { defineConfig } from 'tsup';

// An app, not a library: ESM only, no declarations, one file per entry point.
export default defineConfig({
  entry: ['src/main.ts', 'src/demo.ts', 'src/prime-worker.ts'],
  format: ['esm'],
  dts: false,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
});
