// One Jest run over the whole workspace; sources are tested directly (no build step), and
// @skein/* imports resolve to each lib's src/ so a test never sees stale dist/ output.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@skein/agent-sim$': '<rootDir>/tools/agent-sim/src',
    '^@skein/(api|control)$': '<rootDir>/services/$1/src',
    '^@skein/([a-z-]+)$': '<rootDir>/libs/$1/src',
  },
  testMatch: ['<rootDir>/{libs,services,tools}/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.js',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.js',
  testTimeout: 60000,
};
