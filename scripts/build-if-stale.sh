#!/bin/sh
# npm start's and npm test's first step. When no build input is newer than the stamp of the last
# build, there is nothing to do, and finding that out costs one `find` instead of starting node;
# otherwise build-if-stale.mjs compares the inputs' fingerprint and builds when they changed.
stamp=dist/.build-fingerprint
if [ -f "$stamp" ] && [ -z "$(find src test bench scripts ormconfig.ts tsconfig.json nest-cli.json package.json package-lock.json -newer "$stamp" -print 2>/dev/null | head -n 1)" ]; then
  exit 0
fi
exec node scripts/build-if-stale.mjs
