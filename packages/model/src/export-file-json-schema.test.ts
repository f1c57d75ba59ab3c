import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { exportDashboard, exportFileJsonSchema } from './export-format.js';
import { applyMutation } from './mutators.js';
import { createDashboard } from './schema.js';

const NOW = '2026-01-01T00:00:00.000Z';

function exported() {
  let doc = createDashboard({ id: 'ops', title: 'Ops', now: NOW });
  doc = applyMutation(doc, 'addWidget', { widget: { id: 'cpu', type: 'gauge', stream: 'cpu.load', options: { max: 100 } } }, { clientId: 'c-1', mutationId: 1 }).doc;
  return JSON.parse(JSON.stringify(exportDashboard(doc, NOW))) as Record<string, unknown> & { dashboard: Record<string, unknown> };
}

describe('export file JSON Schema', () => {
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(exportFileJsonSchema());

  it('accepts what exportDashboard writes', () => {
    expect(validate(exported()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects a wrong format marker, an unknown widget type and a missing title, naming where', () => {
    const wrongFormat = { ...exported(), format: 'grafana' };
    expect(validate(wrongFormat)).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/format');

    const file = exported();
    const widgets = file.dashboard.widgets as Record<string, Record<string, unknown>>;
    widgets.cpu!.type = 'pie';
    delete file.dashboard.title;
    expect(validate(file)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath).sort()).toEqual(['/dashboard', '/dashboard/widgets/cpu/type']);
  });
});
