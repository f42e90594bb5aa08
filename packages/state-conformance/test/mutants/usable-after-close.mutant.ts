import { runMutant } from './mutants.js';

runMutant('usable-after-close');
