import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.config.base';

// Two entries: the root for users, `./backend` for backend authors.
export default defineConfig({ ...baseConfig, entry: ['src/index.ts', 'src/backend.ts'] });
