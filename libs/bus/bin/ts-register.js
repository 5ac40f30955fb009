// Lets plain `node` run the workspace's TypeScript sources with no build step: .ts files are compiled on
// require with @swc/core (the compiler Jest already uses, same settings as jest.config.js), and
// `@skein/<lib>` resolves to libs/<lib>/src like Jest's moduleNameMapper. Used by relay-dev.js, which
// the relay's crash test runs as a child process; a clean checkout needs only `npm ci`.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const repo = path.resolve(__dirname, '../../..');

if (!require.extensions['.ts']) {
  process.setSourceMapsEnabled(true);
  require.extensions['.ts'] = (module, filename) => {
    const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      sourceMaps: 'inline',
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };

  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    const m = /^@skein\/([a-z-]+)$/.exec(request);
    if (m) {
      for (const dir of ['libs', 'services', 'tools']) {
        const src = path.join(repo, dir, m[1], 'src', 'index.ts');
        if (fs.existsSync(src)) return src;
      }
    }
    return resolve.call(this, request, parent, ...rest);
  };
}
