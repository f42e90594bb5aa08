import { runMutant } from './mutants.js';

runMutant('partial-setMany');
