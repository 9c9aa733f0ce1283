import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The supported Node lines are said in four places (issue 19): the Node lines .ci/run runs the
 * end-to-end tests on, the README's opening line and its Installing section, and package.json's
 * `engines`, which still admits Node 20 (past its end of life, working while that costs nothing).
 */

const read = (file: string) => readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), 'utf8');

/** "22, 24 and 26" or "22, 24 or 26" as numbers. */
const majorsOf = (list: string) => list.split(/,\s*|\s+(?:and|or)\s+/).map(Number);

const ciLines = () => {
  const loop = read('.ci/run').match(/^for major in ([\d ]+); do \.ci\/e2e-on-node "\$major"; done$/m);
  expect(loop, '.ci/run runs .ci/e2e-on-node for each supported line').not.toBeNull();
  return (loop?.[1] ?? '').trim().split(/\s+/).map(Number);
};

describe('the supported Node lines', () => {
  const readme = read('README.md');
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;

  it('are the lines CI runs the end-to-end tests on, newest supported included', () => {
    expect(ciLines()).toStrictEqual([22, 24, 26]);
  });

  it('the README names exactly those, at the top and under Installing', () => {
    const top = readme.match(/needs nothing but Node\.js ([\d, ]+(?:and|or) \d+)/);
    const installing = readme.match(/Supported Node\.js lines: \*\*([\d, ]+and \d+)\*\*/);
    expect(majorsOf(top?.[1] ?? '')).toStrictEqual(ciLines());
    expect(majorsOf(installing?.[1] ?? '')).toStrictEqual(ciLines());
  });

  it('engines admits every supported line, and the README quotes it and says Node 20 is past its end of life', () => {
    const floor = engines.match(/^>=(\d+)\.(\d+)$/);
    expect(floor, `engines.node is a plain lower bound: ${engines}`).not.toBeNull();
    expect(Number(floor?.[1])).toBeLessThanOrEqual(Math.min(...ciLines()));
    expect(readme).toContain(`(\`engines\`: \`${engines}\`)`);
    expect(readme).toMatch(/Node 20 is past its end of life/);
  });
});
