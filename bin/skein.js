#!/usr/bin/env node
// The `skein` command: runs the compiled CLI (npm run build, which `npm start` does first).
try {
  require.resolve('../tools/cli/dist/main.js');
} catch {
  process.stderr.write('skein: not built yet; run `npm run build` (npm start does it for you)\n');
  process.exit(1);
}
require('../tools/cli/dist/main.js');
