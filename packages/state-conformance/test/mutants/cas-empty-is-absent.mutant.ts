import { runMutant } from './mutants.js';

runMutant('cas-empty-is-absent');
