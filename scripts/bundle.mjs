// Bundles the compiled service (dist/src/main.js) into one file, dist/service.js, which
// `npm start` runs: one file to read and compile instead of some 1,500 modules to find, read
// and link one by one: the process is ready in about half the time, with less memory held by
// loaded code. dist/service.js.map maps it back to dist/src (run with
// NODE_OPTIONS=--enable-source-maps for stack traces in those files).
//
// In the bundle, so their start-up code comes from the code cache with the rest: mysql2 (handed to
// TypeORM as its driver, see database-options.ts; run only on MySQL) and gRPC's libraries (Nest's
// gRPC server and @grpc/reflection load them through node's own require, which the bundle cannot
// follow: src/common/grpc/one-copy-of-grpc.ts hands those requires the bundle's copy).
//
// Left out of the bundle, loaded from node_modules when used:
// - better-sqlite3, a native addon that finds its compiled part next to its code;
// - packages that Nest loads by name when a feature is configured (the bus transports), so a
//   transport's client library is loaded only when that transport is configured, and only one
//   copy of each package exists in the process;
// - packages that find their own files next to their code (swagger-ui-dist, pino's workers,
//   gRPC reflection's .proto files);
// - optional peers of Nest that this service does not install.
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { primeCodeCache } from './prime-code-cache.mjs';

export const BUNDLE = 'dist/service.js';

const EXTERNAL = [
  'better-sqlite3',
  '@grpc/reflection',
  '@nats-io/transport-node',
  'amqplib',
  'amqp-connection-manager',
  'ioredis',
  'mqtt',
  'kafkajs',
  'swagger-ui-dist',
  'pino',
  '@fastify/multipart',
  '@fastify/view',
  '@nestjs/platform-express',
  // loaded only when tracing is configured (src/common/tracing/tracing.ts)
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/resources',
  '@nestjs/websockets',
];

/**
 * The source with every character outside ASCII written as a \u escape, which means the same
 * in string, template and regular-expression literals, identifiers and comments. esbuild's
 * `charset: 'ascii'` escapes strings but not regular expressions (validator's locale tables,
 * a colour library's control sequences); one such character anywhere makes V8 hold the whole
 * 5 MB bundle as a two-byte string, and reading it as UTF-8 slower.
 */
function asciiOnly(source) {
  return source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Every other package file with characters outside ASCII (see asciiOnly); registered last. */
const asciiPackageFiles = {
  name: 'ascii-package-files',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.[cm]?js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return /[^\x00-\x7f]/.test(source) ? { contents: asciiOnly(source), loader: 'js' } : undefined;
    });
  },
};

/**
 * @nestjs/typeorm looks up two symbols of TypeORM 0.3 through a `require` it makes with
 * `createRequire`, which a bundler cannot follow: it would load a second, unbundled TypeORM
 * from node_modules. Its plain `require('typeorm')` is bundled like any other.
 */
const typeormCompatUsesTheBundledTypeorm = {
  name: 'typeorm-compat',
  setup(build) {
    build.onLoad({ filter: /@nestjs[\\/]typeorm[\\/]dist[\\/]common[\\/]typeorm-compat\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const own = "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n";
      if (!source.includes(own)) throw new Error(`${args.path} changed: check the typeorm-compat plugin of scripts/bundle.mjs`);
      return { contents: asciiOnly(source.replace(own, '')), loader: 'js' };
    });
  },
};

/**
 * Phone-number parsing (libphonenumber-js, a third of a megabyte of code and metadata that
 * class-validator loads for its IsPhoneNumber rule) is not used by any request rule of this
 * service: the bundle holds a stand-in that fails loudly if a rule ever calls it.
 */
const withoutPhoneNumberParsing = {
  name: 'without-phone-number-parsing',
  setup(build) {
    build.onResolve({ filter: /^libphonenumber-js(\/.*)?$/ }, (args) => ({ path: args.path, namespace: 'not-bundled' }));
    build.onLoad({ filter: /.*/, namespace: 'not-bundled' }, (args) => ({
      contents: `module.exports = new Proxy({}, { get: (_, name) => name === '__esModule' ? false : () => { throw new Error(${JSON.stringify(`${args.path} is not in the bundle (scripts/bundle.mjs): no rule of this service parses phone numbers`)}); } });`,
      loader: 'js',
    }));
  },
};

/**
 * Nest's Logger and ConsoleLogger each make a date formatter when their modules load: 22 ms of
 * every start spent loading ICU's calendar data, for loggers this service does not print through
 * (its logs are pino's). The bundle makes each formatter on its logger's first timestamp instead.
 */
const loggersFormatDatesWhenUsed = {
  name: 'loggers-make-date-formats-when-used',
  setup(build) {
    build.onLoad({ filter: /@nestjs[\\/]common[\\/]services[\\/](console-)?logger\.service\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const eager = /const dateTimeFormatter = new Intl\.DateTimeFormat\(undefined, (\{[^}]*\})\);/;
      if (!eager.test(source)) throw new Error(`${args.path} changed: check the logger plugin of scripts/bundle.mjs`);
      const lazy = 'let madeDateTimeFormatter;\nconst dateTimeFormatter = { format: (time) => (madeDateTimeFormatter ??= new Intl.DateTimeFormat(undefined, $1)).format(time) };';
      return { contents: asciiOnly(source.replace(eager, lazy)), loader: 'js' };
    });
  },
};

/**
 * Nest 12 is published as ES modules only, and this service's modules are CommonJS: at each of
 * their `require('@nestjs/common')` (74 of them) and the like, esbuild's `__toCommonJS` copies
 * every export of the package onto a new object (some 20 ms of every start). Node gives every
 * `require` of a module the same object; the bundle does too: the first copy is kept and handed
 * out again. The helper is swapped for one of the same length (whitespace-padded), so the source
 * map's columns stay true; the build fails if esbuild's helper ever reads differently.
 */
const ESBUILD_TO_COMMONJS = '__toCommonJS=mod=>__copyProps(__defProp({},"__esModule",{value:!0}),mod)';
const ONE_COMMONJS_VIEW =
  'var __commonJsViews=new WeakMap,__commonJsViewOf=m=>{let v=__commonJsViews.get(m);if(!v)__commonJsViews.set(m,v=__copyProps(__defProp({},"__esModule",{value:!0}),m));return v};';

function withOneCommonJsViewPerModule(source) {
  const at = source.indexOf(ESBUILD_TO_COMMONJS);
  if (at < 0 || source.indexOf(ESBUILD_TO_COMMONJS, at + 1) >= 0) {
    throw new Error(`esbuild's __toCommonJS helper is not the one scripts/bundle.mjs expects (withOneCommonJsViewPerModule)`);
  }
  const swapped = '__toCommonJS=__commonJsViewOf'.padEnd(ESBUILD_TO_COMMONJS.length, ' ');
  return source.slice(0, at) + swapped + source.slice(at + ESBUILD_TO_COMMONJS.length);
}

export async function bundle() {
  const result = await build({
    entryPoints: ['dist/src/main.js'],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: EXTERNAL,
    // Nest, Swagger, the logs and the validation messages use class names. Identifiers are not
    // minified, and our modules (CommonJS) keep their own scopes, so names stay as written;
    // keepNames would also keep them, but by a defineProperty on every closure created, which cost
    // a third of the read rate (test/e2e/service-process.e2e-spec.ts checks the names that reach callers)
    keepNames: false,
    minifyWhitespace: true,
    minifySyntax: true,
    // ASCII only, so V8 keeps the source as a one-byte string (half the memory of a two-byte one)
    charset: 'ascii',
    legalComments: 'external',
    sourcemap: 'linked',
    sourcesContent: false,
    // import() becomes require(): src/start.ts runs the bundle from V8's code cache, and a script
    // compiled from the cache has lost node's dynamic-import hook (every package it imports that
    // way is CommonJS, or loads with require() on Node 20.19+)
    supported: { 'dynamic-import': false },
    // ES modules bundled into CommonJS: import.meta as Node gives it to the file they now live in
    define: { 'import.meta.url': '__bundleUrl', 'import.meta.resolve': 'require.resolve' },
    banner: { js: `var __bundleUrl = require("node:url").pathToFileURL(__filename).href;${ONE_COMMONJS_VIEW}` },
    plugins: [typeormCompatUsesTheBundledTypeorm, withoutPhoneNumberParsing, loggersFormatDatesWhenUsed, asciiPackageFiles],
    metafile: true,
    logLevel: 'warning',
    logOverride: { 'empty-import-meta': 'silent', 'require-resolve-not-external': 'silent' },
  });
  const output = Buffer.from(withOneCommonJsViewPerModule((await readFile(BUNDLE)).toString('latin1')), 'latin1');
  await writeFile(BUNDLE, output);
  const outside = output.findIndex((byte) => byte > 0x7f);
  if (outside >= 0) {
    const line = output.subarray(0, outside).toString('latin1').split('\n').length;
    throw new Error(`${BUNDLE} has a character outside ASCII on line ${line} (byte ${outside}): see asciiOnly in scripts/bundle.mjs`);
  }
  return result.metafile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const metafile = await bundle();
  await primeCodeCache();
  // `node scripts/bundle.mjs --sizes`: what the bundle holds, by package
  if (process.argv.includes('--sizes')) {
    const byPackage = new Map();
    for (const [file, { bytesInOutput }] of Object.entries(metafile.outputs[BUNDLE].inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
      const name = match ? match[1] : 'this project';
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
    for (const [name, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${(bytes / 1024).toFixed(0).padStart(6)} KiB  ${name}`);
  }
}
