import { isAscii } from 'node:buffer';
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** What a bundle run this way may export: a promise that resolves once it is up (then its cache is written). */
interface BundleExports {
  started?: Promise<unknown>;
}

/** How a run went, for the tests and the curious. */
export type CodeCacheUse = 'used' | 'written' | 'rejected-and-written' | 'not-written' | 'source-maps';

/**
 * Runs a CommonJS bundle (only node's builtins here: it is loaded before the bundle) compiled with
 * V8's code cache kept in `<bundle>.code-cache`. When there is no usable cache, the bytecode of
 * everything compiled until the bundle's `started` resolved is written there (atomically: a
 * temporary file renamed), so the next run deserializes instead of compiling.
 *
 * V8 checks a cache only against the source's length, its own version and its flags, so a
 * rebuilt bundle of the same length would run the old bytecode: the cache's first line records
 * the bundle's size and mtime, and a cache made for another bundle is not offered to V8.
 * Resolves once the bundle's `started` resolved (and the cache was written), with what happened
 * to the cache.
 */
export function runWithCodeCache(bundle: string): Promise<CodeCacheUse> {
  if (process.sourceMapsEnabled) {
    // node maps stack traces only of the files it loads itself (NODE_OPTIONS=--enable-source-maps)
    const { started } = require(bundle) as BundleExports;
    return Promise.resolve(started).then(() => 'source-maps');
  }
  const cacheFile = `${bundle}.code-cache`;
  const stamp = stampOf(bundle);
  const cachedData = cacheFor(cacheFile, stamp);
  const script = new Script(Module.wrap(sourceOf(bundle)), { filename: bundle, cachedData });
  const { started } = runAsModule(script, bundle);
  if (cachedData !== undefined && !script.cachedDataRejected) return Promise.resolve(started).then(() => 'used');
  const outcome: CodeCacheUse = cachedData === undefined ? 'written' : 'rejected-and-written';
  return Promise.resolve(started).then(() => (writeCache(script, cacheFile, stamp) ? outcome : 'not-written'));
}

/**
 * The bundle's text. scripts/bundle.mjs makes it ASCII only, and ASCII read as Latin-1 is the same
 * text, decoded in a fraction of the time UTF-8 decoding takes (some 20 ms of start-up for 5 MB).
 */
function sourceOf(bundle: string): string {
  const bytes = readFileSync(bundle);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

function stampOf(bundle: string): string {
  const { size, mtimeMs } = statSync(bundle);
  return `${size}:${mtimeMs}\n`;
}

/** The cached code, when the cache file was made for the bundle as it is on disk now. */
function cacheFor(cacheFile: string, stamp: string): Buffer | undefined {
  try {
    const file = readFileSync(cacheFile);
    const headerEnd = file.indexOf(10) + 1;
    return file.subarray(0, headerEnd).toString('latin1') === stamp ? file.subarray(headerEnd) : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(script: Script, cacheFile: string, stamp: string): boolean {
  const temporary = `${cacheFile}.${process.pid}`;
  try {
    writeFileSync(temporary, Buffer.concat([Buffer.from(stamp, 'latin1'), script.createCachedData()]));
    renameSync(temporary, cacheFile);
    return true;
  } catch {
    // a folder that cannot be written: every start compiles
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was written
    }
    return false;
  }
}

/** Runs the compiled bundle as node runs a CommonJS file; returns its exports. */
function runAsModule(script: Script, file: string): BundleExports {
  const module = new Module(file);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths(dirname(file));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return module.exports as BundleExports;
}
