import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What `npm start` runs: the environment it sets, node's options and the script node runs. */
export interface StartCommand {
  env: Record<string, string>;
  nodeArgs: string[];
  script: string;
}

/**
 * The `start` script of package.json (`NAME=value … node [--option …] <script>`), so tests and benchmarks
 * launch the service exactly as a user's `npm start` does.
 */
export function startCommand(projectRoot = process.cwd()): StartCommand {
  const scripts = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = scripts.start.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) {
    const [name, ...value] = words.shift()!.split('=');
    env[name] = value.join('=');
  }
  const script = words.pop();
  if (words.shift() !== 'node' || !script || words.some((word) => !word.startsWith('--'))) {
    throw new Error(`npm start is not "[NAME=value …] node [--option …] <script>": ${scripts.start}`);
  }
  return { env, nodeArgs: words, script };
}
