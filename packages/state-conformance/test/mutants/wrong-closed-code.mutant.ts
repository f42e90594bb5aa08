import { runMutant } from './mutants.js';

runMutant('wrong-closed-code');
