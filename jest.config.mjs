// Jest in its native ESM mode (Nest 12 is ESM only); run through `npm test`, which sets
// --experimental-vm-modules and builds dist/ first (the embedded servers and the process tests run it).
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
};

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^#src/(.*)\\.js$': '<rootDir>/src/$1',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

// Two projects: Jest runs a project's global setup only when one of its tests runs, so
// `jest test/unit` starts no PostgreSQL or Redis and needs no TEST_* variables.
export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      // The browser tests run instance processes on the same test servers.
      testMatch: ['<rootDir>/test/integration/**/*.spec.ts', '<rootDir>/test/browser/**/*.spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
      setupFilesAfterEnv: ['<rootDir>/test/support/clean-state-per-file.ts'],
    },
  ],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.mjs'],
  testTimeout: 30_000,
};
