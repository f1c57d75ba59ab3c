import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@pulseboard/testing';
import { DEFAULT_CONFIG } from '../config.js';
import { createApp } from './app.js';
import type { AppDeps } from './app-deps.js';
import { openApiDocument } from './openapi.js';
import { startTestServer, type TestServer } from './test-server.js';

type Doc = { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: { 'application/json': { schema: object } } } }>> };

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.stop();
});

/** `/api/dashboards/:id` → `/api/dashboards/{id}`. */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The path template of `doc` that a concrete request path matches. */
function templateFor(doc: Doc, path: string): string | undefined {
  return Object.keys(doc.paths).find((template) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
}

/** Each `curl` command of docs/api.md's sh blocks: method, path (no query) and -d body. */
async function curlExamples(): Promise<Array<{ method: string; path: string; body: string | undefined; text: string }>> {
  const markdown = await readFile(`${REPO_ROOT}/docs/api.md`, 'utf8');
  const out: Array<{ method: string; path: string; body: string | undefined; text: string }> = [];
  for (const [, block] of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const code = block!
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n')
      .replace(/\\\n/g, ' ');
    for (const [text] of code.matchAll(/curl\b[\s\S]*?(?=\ncurl\b|$)/g)) {
      const path = /\$PB(\/[^\s'"?]*)/.exec(text)?.[1];
      if (!path) continue;
      const body = /-d '([\s\S]*?)'/.exec(text)?.[1];
      const method = /-X (\w+)/.exec(text)?.[1] ?? (body === undefined ? 'GET' : 'POST');
      out.push({ method, path, body, text });
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  it('is served at GET /api/openapi.json without a token, as OpenAPI 3.1', async () => {
    const res = await t.json<Doc>('GET', '/api/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('lists every route the server answers, and nothing it does not', () => {
    const app = createApp({ config: DEFAULT_CONFIG } as unknown as AppDeps);
    const answered = new Set(
      app.routes.filter((r) => r.method !== 'ALL' && !r.path.endsWith('*')).map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`),
    );
    const doc = openApiDocument() as Doc;
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`)));
    expect(answered.size).toBeGreaterThan(20);
    expect([...answered].filter((r) => !documented.has(r)), 'routes missing from the OpenAPI document').toEqual([]);
    expect([...documented].filter((r) => !answered.has(r)), 'documented routes the server does not answer').toEqual([]);
  });

  it('accepts every request body example in docs/api.md, against the schema its route validates with', async () => {
    const doc = openApiDocument() as Doc;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const examples = await curlExamples();
    const withBody = examples.filter((e) => e.body !== undefined);
    expect(withBody.length).toBeGreaterThanOrEqual(8);
    for (const example of examples) {
      const template = templateFor(doc, example.path);
      expect(template, `docs/api.md: ${example.method} ${example.path} is not in the OpenAPI document`).toBeDefined();
      const operation = doc.paths[template!]![example.method.toLowerCase()];
      expect(operation, `docs/api.md: ${example.method} ${template} is not in the OpenAPI document`).toBeDefined();
      if (example.body === undefined) continue;
      const schema = operation!.requestBody?.content['application/json'].schema;
      expect(schema, `${example.method} ${template} has no request body schema`).toBeDefined();
      const validate = ajv.compile(schema!);
      expect(validate(JSON.parse(example.body)), `${example.text}\n${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('rejects a body its route would reject (a widget of an unknown type)', () => {
    const doc = openApiDocument() as Doc;
    const schema = doc.paths['/api/dashboards']!.post!.requestBody!.content['application/json'].schema;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate({ id: 'ops', title: 'Ops', widgets: { a: { id: 'a', type: 'pie', title: 'A', layout: { x: 0, y: 0, w: 1, h: 1 }, options: {} } } })).toBe(false);
    expect(validate({ id: 'ops', title: 'Ops' })).toBe(true);
  });
});
