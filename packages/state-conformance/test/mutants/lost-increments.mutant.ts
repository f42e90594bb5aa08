import { runMutant } from './mutants.js';

runMutant('lost-increments');
