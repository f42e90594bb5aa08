import { runMutant } from './mutants.js';

runMutant('plain-errors');
