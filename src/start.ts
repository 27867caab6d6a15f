// What `npm start` runs: the bundled service (dist/service.js), compiled with V8's code cache.
// Compiling the 5 MB bundle, and then the functions start-up calls, took a quarter of the time
// from launch to ready; see src/common/startup/code-cache.ts. The runtime flags come first, since
// V8 accepts a cache only under the flags it was made with.
import './runtime-flags.js';
import { join } from 'node:path';
import { runWithCodeCache } from './common/startup/code-cache.js';

void runWithCodeCache(join(__dirname, '..', 'service.js'));
