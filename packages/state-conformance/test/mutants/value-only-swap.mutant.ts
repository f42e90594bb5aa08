import { runMutant } from './mutants.js';

runMutant('value-only-swap');
