// @vitest-environment node
// (In tools/, not src/: a test of files and tools in Node, typed with Node's types.)
// The spec's JSON Schema (models/headroom.schema.json) against two independent tools a
// user writes specs with: ajv in strict mode, and the YAML language server editors
// run. Both must accept the schema and every shipped model, refuse every bad spec of
// the engine's catalogue that a schema can judge, and the language server must
// complete only the fields the component's kind takes.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseDocument } from 'yaml';
import { getLanguageService } from 'yaml-language-server';

import { KIND_FIELDS, REQUIRED_FIELDS } from '../src/bindings/kindFields';

const ROOT = join(import.meta.dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(ROOT, 'models/headroom.schema.json'), 'utf8')) as object;

const models = [
  ...readdirSync(join(ROOT, 'models'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(ROOT, 'models', f)),
  ...readdirSync(join(ROOT, 'tests/models')).map((f) => join(ROOT, 'tests/models', f)),
];
const badDir = join(ROOT, 'tests/bad_specs');
const badSpecs = readdirSync(badDir).filter((f) => f.endsWith('.yaml'));

/**
 * The bad specs whose fault no JSON Schema can see: names that must match other names
 * or be unique, cycles and loops in the graph, a queue's consumer. (YAML the parser
 * refuses counts as refused.)
 */
const BEYOND_A_SCHEMA: Record<string, string> = {
  '14-edge-to-unknown-component.yaml': 'a name that must be another component',
  '15-class-entry-unknown.yaml': 'a name that must be another component',
  '16-edge-class-unknown.yaml': 'a name that must be a class',
  '17-duplicate-component-name.yaml': 'names unique across items',
  '21-sync-cycle.yaml': 'a cycle in the graph',
  '22-async-edge-not-to-queue.yaml': "the callee's kind",
  '23-queue-without-consumer.yaml': 'an edge that must exist',
  '43-duplicate-class-name.yaml': 'names unique across items',
  '48-queue-loop-grows.yaml': 'traffic around a loop',
  '53-wire-time-on-external-call.yaml': "the callee's kind",
  '55-tier-not-listed.yaml': 'a name that must be another item',
  '56-operation-not-listed.yaml': "a name that must be one of another component's items",
};

function parse(text: string): unknown {
  try {
    const doc = parseDocument(text, { uniqueKeys: true });
    return doc.errors.length > 0 ? 'unparsable' : doc.toJS();
  } catch {
    // An alias bomb, which the parser refuses to expand.
    return 'unparsable';
  }
}

describe('the spec schema under ajv --strict', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const validate = ajv.compile(schema);

  it('accepts every shipped model', () => {
    for (const file of models) {
      const ok = validate(parse(readFileSync(file, 'utf8')));
      expect(ok, `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('refuses every bad spec a schema can judge', () => {
    for (const file of badSpecs) {
      const data = parse(readFileSync(join(badDir, file), 'utf8'));
      const refused = data === 'unparsable' || !validate(data);
      expect(refused, `${file} (${BEYOND_A_SCHEMA[file] ?? 'a field the schema must bound'})`).toBe(
        !(file in BEYOND_A_SCHEMA),
      );
    }
  });
});

describe('the spec schema in the YAML language server', () => {
  const service = getLanguageService({
    schemaRequestService: () => Promise.resolve(JSON.stringify(schema)),
    workspaceContext: { resolveRelativePath: (relative: string) => relative },
  });
  service.configure({
    validate: true,
    completion: true,
    schemas: [{ uri: 'file:///headroom.schema.json', fileMatch: ['*.yaml'], schema }],
  });
  // A new name for each text: the server keeps what it parsed by name and version.
  let opened = 0;
  const doc = (text: string) => TextDocument.create(`file:///spec-${(opened += 1)}.yaml`, 'yaml', 1, text);

  it('finds nothing wrong in the shipped models, and the unknown field in a bad one', async () => {
    for (const file of models) {
      const problems = await service.doValidation(doc(readFileSync(file, 'utf8')), false);
      expect(problems.map((p) => p.message), file).toEqual([]);
    }
    const bad = readFileSync(join(badDir, '05-unknown-component-field.yaml'), 'utf8');
    const problems = await service.doValidation(doc(bad), false);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/not allowed/);
  });

  it("completes only the fields a component's kind takes", async () => {
    for (const kind of ['service', 'external', 'queue', 'cache'] as const) {
      const text = `version: 1\nname: x\nworkload:\n  classes: []\ncomponents:\n  - name: c\n    kind: ${kind}\n    \n`;
      const list = await service.doComplete(doc(text), { line: 7, character: 4 }, false);
      // Field names only (the list also offers a snippet of the whole object).
      const offered = list.items.map((i) => i.label).filter((l) => /^[a-z_]+$/.test(l));
      expect(new Set(offered), kind).toEqual(new Set(KIND_FIELDS[kind]));
      const problems = await service.doValidation(doc(text), false);
      for (const field of REQUIRED_FIELDS[kind]) {
        expect(problems.map((p) => p.message).join('\n'), kind).toContain(`"${field}"`);
      }
    }
  });
});
