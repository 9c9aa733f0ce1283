import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findForbiddenImports,
  findImportCycles,
  findLongFiles,
  type LayerRule,
  scanSourceTree,
} from './architecture-rules.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** The one direction of the arrows (docs/architecture.md): the snapshot files and formats know nothing of Okta or the engine. */
const LAYERS: LayerRule[] = [{ from: ['inventory', 'formats'], mustNotImport: ['okta', 'sync'] }];
const MAX_COMMAND_FILE_LINES = 450;

describe('the shape of src/', () => {
  const tree = scanSourceTree(SRC);

  it('is scanned: every relative import names a file, and the imports are really read', () => {
    expect(tree.unresolved.map((edge) => `${edge.from}:${edge.line} '${edge.specifier}'`)).toEqual([]);
    expect(tree.files.length).toBeGreaterThan(100);
    // The lazy command loading is a dynamic import; if the scanner missed those, a cycle through it would hide.
    expect(tree.edges).toContainEqual(
      expect.objectContaining({ from: 'cli/sync-command.ts', to: 'commands/sync/index.ts', kind: 'dynamic' }),
    );
  });

  it('has no import cycle (static, type-only, re-exports and dynamic import() all count)', () => {
    expect(findImportCycles(tree).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('keeps src/inventory/ and src/formats/ free of src/okta/ and src/sync/', () => {
    expect(findForbiddenImports(tree, LAYERS)).toEqual([]);
  });

  it(`has no file under src/commands/ over ${MAX_COMMAND_FILE_LINES} lines`, () => {
    expect(findLongFiles(tree, 'commands', MAX_COMMAND_FILE_LINES)).toEqual([]);
  });
});

describe('the architecture checker, on small trees', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  function tree(files: Record<string, string>) {
    root = mkdtempSync(path.join(tmpdir(), 'architecture-'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
    return scanSourceTree(root);
  }

  it('passes a tree whose imports flow one way', () => {
    const clean = tree({
      'cli/program.ts': "const load = () => import('../commands/sync/index.js');\nexport { load };\n",
      'commands/sync/index.ts':
        "import { collect } from '../../sync/collect.js';\nexport const run = collect;\n",
      'sync/collect.ts':
        "import type { Row } from '../formats/row.js';\nimport { write } from '../inventory/write.js';\nexport const collect = (row: Row) => write(row);\n",
      'inventory/write.ts':
        "import type { Row } from '../formats/row.js';\nexport const write = (row: Row) => row;\n",
      'formats/row.ts':
        "import { z } from 'zod';\nexport type Row = z.infer<typeof row>;\nconst row = z.object({});\n",
    });
    expect(clean.unresolved).toEqual([]);
    expect(clean.edges).toHaveLength(5);
    expect(findImportCycles(clean)).toEqual([]);
    expect(findForbiddenImports(clean, LAYERS)).toEqual([]);
    expect(findLongFiles(clean, 'commands', 2)).toEqual([]);
  });

  it.each([
    ['a static import', "import { b } from './b.js';\nexport const a = b;\n"],
    ['an `import type`', "import type { B } from './b.js';\nexport type A = B;\n"],
    ['an import of types named one by one', "import { type B } from './b.js';\nexport type A = B;\n"],
    ['a re-export', "export { b } from './b.js';\n"],
    ['an `export *`', "export * from './b.js';\n"],
    ['a dynamic import()', "export const load = () => import('./b.js');\n"],
    ['a `typeof import()` type', "export type B = typeof import('./b.js');\n"],
    ['an import of the folder index', "import { b } from './b-folder';\nexport const a = b;\n"],
  ])('finds a cycle closed by %s', (_kind, aText) => {
    const cyclic = tree({
      'okta/a.ts': aText,
      'okta/b.ts': "import { a } from './a.js';\nexport const b = a;\n",
      'okta/b-folder/index.ts': "export { a as b } from '../a.js';\n",
    });
    const cycles = findImportCycles(cyclic).map((cycle) => cycle.join(' -> '));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatch(/^okta\/a\.ts -> okta\/b(-folder\/index)?\.ts -> okta\/a\.ts$/);
  });

  it('names a longer cycle along its files, and each separate cycle once', () => {
    const cyclic = tree({
      'a.ts': "import './b.js';\n",
      'b.ts': "import './c.js';\n",
      'c.ts': "import './a.js';\n",
      'd.ts': "import './d.js';\n",
      'e.ts': "import './a.js';\n",
    });
    expect(findImportCycles(cyclic)).toEqual([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['d.ts', 'd.ts'],
    ]);
  });

  it('finds src/inventory or src/formats reaching into okta or sync, with the line', () => {
    const crossing = tree({
      'okta/client.ts': 'export class OktaClient {}\n',
      'sync/plan.ts': 'export type Plan = {};\n',
      'inventory/collect.ts':
        "// the collector, misplaced\nimport { OktaClient } from '../okta/client.js';\nexport const c = OktaClient;\n",
      'formats/csv.ts': "export type P = import('../sync/plan.js').Plan;\n",
      'inventory/ok.ts': "import '../formats/csv.js';\n",
    });
    expect(findForbiddenImports(crossing, LAYERS)).toEqual([
      "formats/csv.ts:1 -> sync/plan.ts (type-query import of '../sync/plan.js')",
      "inventory/collect.ts:2 -> okta/client.ts (static import of '../okta/client.js')",
    ]);
  });

  it('does not take a folder that merely starts with a layer name for that layer', () => {
    const near = tree({
      'oktaish/x.ts': 'export const x = 1;\n',
      'inventory-tools/y.ts': "import '../okta/z.js';\n",
      'okta/z.ts': "import '../oktaish/x.js';\n",
      'inventory/w.ts': "import '../oktaish/x.js';\n",
    });
    expect(findForbiddenImports(near, LAYERS)).toEqual([]);
  });

  it('finds a command file over the limit, and only under commands/', () => {
    const lines = (count: number) => 'export const x = 1;\n'.repeat(count);
    const long = tree({
      'commands/sync/index.ts': lines(451),
      'commands/sync/render.ts': lines(450),
      'sync/collect.ts': lines(900),
    });
    expect(findLongFiles(long, 'commands', 450)).toEqual(['commands/sync/index.ts (451 lines)']);
  });

  it('reports an import it cannot follow rather than skip it', () => {
    const broken = tree({
      'a.ts':
        "import './missing.js';\nconst name = './a.js';\nexport const load = () => import(name);\nimport '../outside.js';\nimport 'zod';\n",
    });
    expect(broken.unresolved.map((edge) => [edge.line, edge.specifier, edge.kind])).toEqual([
      [1, './missing.js', 'static'],
      [3, '', 'dynamic'],
    ]);
  });
});
