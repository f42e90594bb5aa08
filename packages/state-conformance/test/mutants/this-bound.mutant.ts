import { runMutant } from './mutants.js';

runMutant('this-bound');
