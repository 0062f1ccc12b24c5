// Mutation testing of the modules that guard a reviewed apply: the plan's fingerprint, the reviewed-plan check,
// the comment fitting, the config validation and the state lock. `npm run test:mutation`; the report goes to
// reports/mutation. Only the unit tests run against each mutant (they need no sandbox).
import { existsSync, mkdirSync, symlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'
import jestConfig from './jest.config.js'

const unit = jestConfig.projects.find((p) => p.displayName === 'unit')

// Some unit tests read the fixtures beside the repository (../shared/fixtures, see test/support/sandbox.ts). Stryker
// runs them in a copy at .stryker-tmp/sandbox-*, so the same relative path must lead there from .stryker-tmp too.
const TEMP_DIR = '.stryker-tmp'
const shared = resolve('..', 'shared')
if (existsSync(shared) && !existsSync(join(TEMP_DIR, 'shared'))) {
  mkdirSync(TEMP_DIR, { recursive: true })
  symlinkSync(shared, join(TEMP_DIR, 'shared'))
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // The unit project alone, flattened: Stryker's own test environment wraps the project's.
    config: {
      ...unit,
      projects: undefined,
      displayName: undefined,
      testTimeout: jestConfig.testTimeout,
    },
    enableFindRelatedTests: false,
  },
  mutate: [
    'src/plan/fingerprint.ts',
    'src/github/reviewed-plan.ts',
    'src/github/pr.ts',
    'src/github/comment.ts',
    'src/config/load.ts',
    'src/state/lock.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // The machine may be busy: a mutant is a timeout only well past its tests' normal time.
  timeoutMS: 60000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 30,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // `npm run test:mutation -- --incremental` reruns only the mutants whose code or tests changed since the last run.
  incrementalFile: 'reports/mutation/incremental.json',
  tempDirName: TEMP_DIR,
  // The TypeScript sources only: the generated validator (.js) is compared byte for byte with the schema's output.
  disableTypeChecks: 'src/**/*.ts',
  cleanTempDir: true,
  ignorePatterns: ['dist', 'coverage', 'reports', '.sandbox', '.sandbox-test', 'build'],
}
