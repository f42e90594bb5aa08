import { runMutant } from './mutants.js';

runMutant('glob-prefix');
