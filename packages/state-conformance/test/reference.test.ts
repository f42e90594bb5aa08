import { runConformanceSuite } from '../src/index.js';
import { createReferenceStore } from './reference-driver.js';

const store = createReferenceStore();
runConformanceSuite({ name: 'reference', create: ({ namespace }) => store.open(namespace) });
