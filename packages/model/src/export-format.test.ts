import { describe, expect, it } from 'vitest';
import { PulseboardError } from './errors.js';
import { exportDashboard, parseExportFile } from './export-format.js';
import { applyMutation } from './mutators.js';
import { createDashboard } from './schema.js';

const NOW = '2026-01-01T00:00:00.000Z';

function sample() {
  let doc = createDashboard({ id: 'ops', title: 'Ops', now: NOW });
  doc = applyMutation(doc, 'addWidget', { widget: { id: 'cpu', type: 'gauge', stream: 'cpu.load', options: { max: 100 } } }, { clientId: 'c-1234567', mutationId: 1 }).doc;
  return { ...doc, version: 7 };
}

describe('export format', () => {
  it('round-trips a dashboard without its sync bookkeeping', () => {
    const file = exportDashboard(sample(), NOW);
    const back = parseExportFile(JSON.parse(JSON.stringify(file)), NOW);
    expect(back.widgets).toEqual(sample().widgets);
    expect(back.version).toBe(0);
    expect(back.writers).toEqual({});
  });

  it('names the first problem of a bad file', () => {
    const file = exportDashboard(sample(), NOW) as unknown as { dashboard: { widgets: Record<string, { layout: { w: unknown } }> } };
    file.dashboard.widgets.cpu!.layout.w = 'wide';
    expect(() => parseExportFile(file, NOW)).toThrowError(/dashboard\.widgets\.cpu\.layout\.w/);
  });

  it('rejects a file of another format or version', () => {
    expect(() => parseExportFile({ format: 'grafana', formatVersion: 1 }, NOW)).toThrowError(PulseboardError);
    expect(() => parseExportFile({ ...exportDashboard(sample(), NOW), formatVersion: 2 }, NOW)).toThrowError(/formatVersion/);
  });

  it('rejects overlapping widgets', () => {
    const file = exportDashboard(sample(), NOW);
    file.dashboard.widgets.mem = { ...file.dashboard.widgets.cpu!, id: 'mem' };
    expect(() => parseExportFile(file, NOW)).toThrowError(/overlap/);
  });
});
