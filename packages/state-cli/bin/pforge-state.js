#!/usr/bin/env node
// The `pforge-state` command. A committed file, so that package managers can link the bin at
// install time, before `dist/` is built (in a clone of the repository).
import '../dist/cli.js';
