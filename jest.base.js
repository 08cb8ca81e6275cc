// Shared jest settings. tsconfig.base.json sets isolatedModules, so ts-jest
// transpiles each file without type-checking (each package's `typecheck` script
// does that), which keeps the suites fast on small machines.
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
