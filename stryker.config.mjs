// Mutation testing of the modules that guard a reviewed apply: the plan's fingerprint, the reviewed-plan check,
// the comment fitting, the config validation and the state lock. `npm run test:mutation`; the report goes to
// reports/mutation. Only the unit tests run against each mutant (they need no sandbox).
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs'
import { dirname, join, normalize, resolve } from 'node:path'
import jestConfig from './jest.config.js'

const unit = jestConfig.projects.find((p) => p.displayName === 'unit')

const MUTATED = [
  'src/plan/fingerprint.ts',
  'src/github/reviewed-plan.ts',
  'src/github/pr.ts',
  'src/github/comment.ts',
  'src/config/load.ts',
  'src/state/lock.ts',
]

/** The files `file` imports, directly or not (relative imports only: `../x.js` stands for `../x.ts`). */
function importsOf(file, seen = new Set()) {
  if (seen.has(file) || !existsSync(file)) return seen
  seen.add(file)
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
    const target = normalize(join(dirname(file), spec))
    importsOf(existsSync(target) ? target : target.replace(/\.js$/, '.ts'), seen)
  }
  return seen
}

// Only the unit tests that reach a mutated module can notice a mutant; the others would only slow every run down
// (and their timing-sensitive cases fail on a busy machine).
const UNIT_DIR = 'test/unit'
// KA_MUTATION_TESTS (comma-separated file names in test/unit) narrows them further, for a quick run of one module
// against its own tests: `KA_MUTATION_TESTS=guards-lock.test.ts,state-lock.test.ts npm run test:mutation -- --mutate
// src/state/lock.ts`. Only more tests can kill more mutants, so such a score is a lower bound of the full one.
const only = process.env.KA_MUTATION_TESTS?.split(',').filter(Boolean)
const relevant = readdirSync(UNIT_DIR)
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => (only ? only.includes(f) : MUTATED.some((m) => importsOf(join(UNIT_DIR, f)).has(m))))

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
      testMatch: relevant.map((f) => `<rootDir>/${UNIT_DIR}/${f}`),
      testTimeout: jestConfig.testTimeout,
    },
    enableFindRelatedTests: false,
  },
  mutate: MUTATED,
  coverageAnalysis: 'perTest',
  // A mutant in a module-level constant would need every test run in a fresh process: far too slow on two cores.
  // Such static mutants are reported as ignored, not counted in the score.
  ignoreStatic: true,
  concurrency: 2,
  // The machine may be busy: a mutant is a timeout only well past its tests' normal time.
  timeoutMS: 30000,
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
  ignorePatterns: ['dist', 'coverage', 'reports', '.sandbox', '.sandbox-*', 'build'],
}
