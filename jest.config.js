/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // cookie 2 (used by @fastify/cookie and by fastify's inject) and content-disposition 3 (used
    // by @fastify/static, under Bull Board) are ES modules only, loaded with require(esm) or
    // import(): Node 20 does both, Jest's module loader neither (without
    // --experimental-vm-modules). Jest compiles these packages to CommonJS instead.
    '/node_modules/(cookie|@fastify/cookie|content-disposition)/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', esModuleInterop: true } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(cookie|@fastify/cookie|content-disposition)/)'],
  globalSetup: '<rootDir>/test/global-setup.js',
  testTimeout: 30000,
};
