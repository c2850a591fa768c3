/**
 * The digest's HTML is safe in any mail client (inline styles only, nothing external, nothing
 * wider than the screen) and escapes what units wrote; the text alternative says the same.
 */
import type { Schedule } from '../../src/config/schedule';
import { buildDigestModel, renderDigestHtml, renderDigestText } from '../../src/domain/digest';
import { scenarioInput, SHEETS } from '../fixtures/digest/scenario';
import { exampleSchedule } from '../helpers/sheets';

describe('the digest’s HTML and text', () => {
  let schedule: Schedule;
  beforeAll(async () => {
    schedule = await exampleSchedule();
  });

  it('uses inline styles only, loads nothing and has no script', () => {
    const html = renderDigestHtml(buildDigestModel(scenarioInput(schedule)));
    expect(html).not.toMatch(/<style|<link|<script|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html).not.toMatch(/\bclass=/);
  });

  it('keeps every table within the width of a 390 px phone', () => {
    const html = renderDigestHtml(buildDigestModel(scenarioInput(schedule)));
    const tables = html.match(/<table[^>]*>/g) ?? [];
    expect(tables.length).toBeGreaterThan(5);
    for (const t of tables) {
      expect(t).toContain('width="100%"');
      expect(t).toMatch(/style="width:100%;/);
    }
    // Fixed widths only as a maximum for desktop clients; none wider than a phone otherwise.
    const fixed = [...html.matchAll(/(?<!max-)width:(\d+)px/g)].map((m) => Number(m[1]));
    expect(fixed.filter((w) => w > 390)).toEqual([]);
  });

  it('escapes what units wrote', () => {
    const input = scenarioInput(schedule);
    const first = input.current[0]?.projects[0];
    if (!first) throw new Error('scenario has no project');
    first.problems.approval = '<script>alert(1)</script> & “审批” <b>';
    const html = renderDigestHtml(buildDigestModel(input));
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; “审批” &lt;b&gt;');
    expect(html).not.toContain('<script>');
  });

  it('gives the text alternative the same content, opening with the summary', () => {
    const m = buildDigestModel(scenarioInput(schedule));
    const text = renderDigestText(m);
    const lines = text.split('\n');
    expect(lines[0]).toBe(m.subject);
    expect(lines.slice(0, 12).join('\n')).toMatch(/【要点】\n- 报送：.*未报送1个（区卫健局）/);
    for (const s of SHEETS.filter((x) => x.week === m.week)) {
      for (const p of s.projects) {
        for (const q of Object.values(p.problems)) if (q) expect(text).toContain(q);
      }
    }
    expect(text).not.toMatch(/<[a-z]/i);
  });
});
