// Two projects: unit tests run anywhere; integration tests talk to the sandbox's real engines
// (moto_server, the local control plane, helm) and need `npm run sandbox:up` first (scripts/test.sh does it).
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // The copies Stryker makes while mutation testing (npm run test:mutation) are not part of the project, nor are the
  // sandboxes' state folders (.sandbox, .sandbox-test, ...: etcd's `*.snap` files there looked like obsolete
  // snapshots, which fails a run).
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/', '<rootDir>/\\.sandbox'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
}

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  ],
  // Integration tests run the whole action against real engines: a busy 2-core machine needs the room.
  testTimeout: 120000,
}
