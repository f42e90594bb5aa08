import { runMutant } from './mutants.js';

runMutant('slab-values');
