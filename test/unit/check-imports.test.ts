/** scripts/check-imports.js: the import-cycle check that `npm run lint` runs. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'check-imports.js');

function check(files: Record<string, string>): { status: number | null; out: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-imports-'));
  try {
    fs.writeFileSync(
      path.join(root, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node' } }),
    );
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), text);
    }
    const run = spawnSync(process.execPath, [SCRIPT], {
      env: { ...process.env, DUBAN_ROOT: root },
      encoding: 'utf8',
    });
    return { status: run.status, out: run.stdout + run.stderr };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe('the import-cycle check', () => {
  it('passes a graph without cycles', () => {
    const run = check({
      'src/cli/main.ts':
        "import { ctx } from './context';\nimport './commands/a';\nexport { ctx };\n",
      'src/cli/context.ts': 'export const ctx = 1;\n',
      'src/cli/commands/a.ts':
        "import type { ctx } from '../context';\nexport type A = typeof ctx;\n",
      'workers/all.ts': "import '../src/cli/main';\n",
    });
    expect(run.out).toContain('no import cycle');
    expect(run.status).toBe(0);
  });

  it('fails on a cycle made of a type-only import and names its modules', () => {
    const run = check({
      'src/cli/main.ts':
        "import { a } from './commands/a';\nexport interface Ctx { n: number }\nexport { a };\n",
      'src/cli/commands/a.ts':
        "import type { Ctx } from '../main';\nexport const a = (c: Ctx) => c.n;\n",
    });
    expect(run.status).toBe(1);
    expect(run.out).toContain(
      'import cycle: src/cli/commands/a.ts → src/cli/main.ts → src/cli/commands/a.ts',
    );
  });
});
