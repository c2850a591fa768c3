/** The README's error-code table and the registry in src/errors.ts say the same thing. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CODES, isRetryable, type Code } from '../../src/errors';

const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
const section = readme.slice(
  readme.indexOf('## Error codes'),
  readme.indexOf('\n## ', readme.indexOf('## Error codes') + 5),
);
const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| (error|warning) \|/gm)].map((m) => ({
  code: m[1],
  severity: m[2],
}));

describe('the README documents every error code', () => {
  it('lists each registered code once, with its severity', () => {
    const documented = new Map(rows.map((r) => [r.code, r.severity]));
    expect(rows).toHaveLength(documented.size);
    for (const [code, info] of Object.entries(CODES)) {
      expect([code, documented.get(code)]).toEqual([code, info.severity]);
    }
  });

  it('lists no code that the registry does not have', () => {
    expect(rows.map((r) => r.code).filter((c) => !(c && c in CODES))).toEqual([]);
  });
});

describe('the README names the retryable codes', () => {
  it('lists exactly the codes the registry calls retryable', () => {
    const line = section.slice(
      section.indexOf('Retryable codes'),
      section.indexOf('\n\n', section.indexOf('Retryable codes')),
    );
    const listed = [...line.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]).sort();
    const retryable = Object.keys(CODES)
      .filter((c) => isRetryable(c as Code))
      .sort();
    expect(listed).toEqual(retryable);
  });
});
