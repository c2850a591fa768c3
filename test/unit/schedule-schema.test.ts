import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { scheduleJsonSchema, scheduleJsonSchemaText } from '../../src/config/schedule-schema';

const ROOT = path.resolve(__dirname, '../..');

type JsonSchema = {
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  required?: string[];
  default?: unknown;
};

describe('config/schedule.schema.json', () => {
  it('is exactly what `duban config schema` generates (regenerate it after changing the schema)', () => {
    const committed = fs.readFileSync(path.join(ROOT, 'config/schedule.schema.json'), 'utf8');
    // On failure: npm run build && node bin/duban.js config schema > config/schedule.schema.json
    expect(committed).toBe(scheduleJsonSchemaText());
  });

  it('is a draft 2020-12 schema that rejects unknown keys at the top', () => {
    const schema = scheduleJsonSchema() as JsonSchema & { $schema: string };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['programme', 'people', 'units', 'projects', 'cycle']);
  });

  it('describes every key of the example, for editors', () => {
    const schema = scheduleJsonSchema() as JsonSchema;
    const example: unknown = parse(
      fs.readFileSync(path.join(ROOT, 'config/schedule.example.yaml'), 'utf8'),
    );
    const undescribed: string[] = [];
    // Walks the example and the schema together; every object key must have a description.
    const walk = (value: unknown, node: JsonSchema | undefined, at: string): void => {
      if (!node) return;
      const options = node.anyOf ?? [node];
      if (Array.isArray(value)) {
        const items = options.find((o) => o.items)?.items;
        value.forEach((v, i) => walk(v, items, `${at}[${i}]`));
      } else if (typeof value === 'object' && value !== null) {
        const obj = options.find((o) => o.properties || o.additionalProperties);
        for (const [key, v] of Object.entries(value)) {
          const child =
            obj?.properties?.[key] ??
            (typeof obj?.additionalProperties === 'object' ? obj.additionalProperties : undefined);
          if (!child) throw new Error(`${at}.${key} is not in the schema`);
          if (!child.description && !child.anyOf?.some((o) => o.description)) {
            undescribed.push(`${at}.${key}`);
          }
          walk(v, child, `${at}.${key}`);
        }
      }
    };
    walk(example, schema, '$');
    expect(undescribed).toEqual([]);
  });

  it('shows the defaults the loader fills in', () => {
    const schema = scheduleJsonSchema() as JsonSchema;
    const programme = schema.properties?.programme;
    expect(programme?.properties?.timezone?.default).toBe('Asia/Shanghai');
    const cycle = schema.properties?.cycle;
    expect(cycle?.properties?.on_holiday?.default).toBe('next_working_day');
    expect(schema.properties?.follow_up?.default).toEqual({
      blue_working_days: 3,
      yellow_weeks_without_progress: 2,
      time: '09:00',
      department_mail: false,
    });
    expect(schema.properties?.people?.properties?.supervision?.default).toEqual([]);
    expect(
      Object.keys(schema.properties?.assessment?.properties?.weights?.properties ?? {}),
    ).toContain('noticesRed');
    expect(cycle?.properties?.reminders?.default).toEqual([
      { id: 'morning', offset_days: 0, working_days: false, time: '09:00', to: ['unit'], cc: [] },
      {
        id: 'overdue',
        offset_days: 0,
        working_days: false,
        time: '18:30',
        to: ['unit'],
        cc: ['unit_head'],
      },
      {
        id: 'escalation',
        offset_days: 1,
        working_days: true,
        time: '09:00',
        to: ['responsible_leader'],
        cc: ['office'],
      },
    ]);
  });
});
