import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSV_LAYOUT } from './entity-files.js';
import type { Entity } from './expected-inventory.js';

/**
 * docs/output-formats.md lists every column of every file: each entity's table names, in order, the
 * fixed columns a CSV snapshot has (CSV_LAYOUT, which the e2e suite checks against real snapshots),
 * then the expanded object's columns, then "every other field met".
 */
const DOC = readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'output-formats.md'), 'utf8');

function documentedColumns(entity: Entity): string[] {
  const start = DOC.indexOf(`### \`${entity}\``);
  expect(start, `a "### \`${entity}\`" section`).toBeGreaterThan(-1);
  const end = DOC.indexOf('\n### ', start + 5);
  const section = DOC.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1] ?? '');
}

describe.each(Object.keys(CSV_LAYOUT) as Entity[])('docs/output-formats.md, %s', (entity) => {
  it('lists every fixed column in the order of the file, then the expanded object', () => {
    const layout = CSV_LAYOUT[entity];
    const expanded = layout.expand
      ? [
          ...layout.expand.known.map((key) => `${layout.expand?.prefix}.${key}`),
          `${layout.expand.prefix}.<attribute>`,
        ]
      : [];
    expect(documentedColumns(entity)).toEqual([
      ...layout.fixed,
      ...expanded.filter((column) => !layout.fixed.includes(column)),
    ]);
  });
});
