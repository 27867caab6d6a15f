// What `npm start` runs: the bundled service (dist/service.js), compiled with V8's code cache.
// Compiling the 5 MB bundle, and then the functions start-up calls, took a quarter of the time
// from launch to ready; see src/common/startup/code-cache.ts. Once the service is up (and the
// cache written), V8 is told to favour memory over speed.
import { join } from 'node:path';
import { runWithCodeCache } from './common/startup/code-cache.js';
import { favourMemoryOverSpeed } from './runtime-flags.js';

void runWithCodeCache(join(__dirname, '..', 'service.js')).then(favourMemoryOverSpeed);
