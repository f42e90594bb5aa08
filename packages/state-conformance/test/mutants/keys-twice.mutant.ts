import { runMutant } from './mutants.js';

runMutant('keys-twice');
