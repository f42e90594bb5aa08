import { runMutant } from './mutants.js';

runMutant('late-set');
