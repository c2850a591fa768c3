// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------
// The import direction (architecture: workers → composition root → adapters and app → domain).
// Enforced per directory with no-restricted-imports; import cycles are found by
// scripts/check-imports.js (both run by `npm run lint`).

/** Libraries that talk to the outside world: only adapters (and dev tooling) use them. */
const LIBRARY_ADAPTERS = [
  'kysely',
  'bullmq',
  'exceljs',
  'nodemailer',
  'imapflow',
  'pg',
  'better-sqlite3',
  'ioredis',
  'mailparser',
  'jszip',
  'yauzl',
];

/** A relative import of one of our top-level directories (`../adapters/…`, `../../app`). */
const ourDir = (dir) => `^\\.{1,2}/(?:\\.\\./)*(?:${dir})(?:/|$)`;

const libraryPattern = (names) => ({
  regex: `^(?:${names.map((n) => n.replace(/\./g, '\\.')).join('|')})(?:/|$)`,
  message: 'A library adapter: app/ reaches it through a port (an interface in the domain words).',
});

/**
 * The domain is pure: no I/O, no env, no clock, no logger. It may import other domain modules,
 * src/errors.ts (the code registry and `issue`) and, as types only, src/config/schedule.ts (the
 * validated model of the programme: pure types, no loading). Everything else is refused: every
 * package and Node built-in, adapters, app, cli, dev, workers, the rest of config (loading,
 * env), log and paths.
 */
const DOMAIN_RULE = [
  'error',
  {
    patterns: [
      {
        regex: '^[^.]',
        message:
          'The domain imports no package or Node built-in (it is pure: take values, return values).',
      },
      {
        regex: ourDir('adapters|app|cli|dev|workers'),
        message: 'The domain imports no adapter, use case, CLI or tooling code.',
      },
      {
        regex: `${ourDir('config')}(?!schedule$)`,
        message: 'The domain imports from config only the types of config/schedule.ts.',
      },
      {
        regex: `${ourDir('config')}schedule$`,
        allowTypeImports: true,
        message: 'The domain imports config/schedule.ts as types only (`import type`).',
      },
      {
        regex: '^\\.{1,2}/(?:\\.\\./)*(?:log|paths)$',
        message: 'The domain does no I/O and no logging: return values, let app/ log.',
      },
    ],
  },
];

/**
 * app/ holds use cases: it speaks to ports (src/app/ports), never to a library adapter, to
 * src/adapters or to the composition root (src/compose), which wires the adapters in.
 */

function appRule() {
  return [
    'error',
    {
      patterns: [
        libraryPattern(LIBRARY_ADAPTERS),
        {
          regex: ourDir('adapters'),
          message:
            'app/ uses ports, not src/adapters (the composition root, src/compose, wires them in).',
        },
        {
          regex: ourDir('cli|compose|dev|workers'),
          message: 'app/ imports no composition root, CLI, tooling or worker entry point.',
        },
      ],
    },
  ];
}

const NO_WORKERS_RULE = [
  'error',
  {
    patterns: [
      {
        regex: ourDir('workers'),
        message: 'Nothing imports workers/ (thin entry points).',
      },
    ],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'test/fixtures/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': NO_WORKERS_RULE },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': DOMAIN_RULE },
  },
  { files: ['src/app/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': appRule() } },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
