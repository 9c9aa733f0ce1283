import { describe, expect, it } from 'vitest';
import { DiffHtmlReport } from '../../src/diff/diff-html-report.js';
import type { ChangeRow } from '../../src/diff/diff-snapshots.js';
import type { OpenedSnapshot } from '../../src/export/open-snapshot.js';
import { launchChromium } from '../support/chromium.js';

const snapshot = (id: string) =>
  ({
    id,
    manifest: {
      org: 'https://example.okta.com',
      startedAt: '2026-12-01T00:00:00.000Z',
      profile: 'default',
      entities: {},
    },
  }) as unknown as OpenedSnapshot;

const user = (id: string, fields?: ChangeRow['fields']): ChangeRow => ({
  entity: 'users',
  change: fields ? 'changed' : 'added',
  id,
  login: `${id}@example.com`,
  ...(fields ? { fields } : {}),
});

describe('the HTML report of a diff, rendered in headless Chromium', () => {
  it('lists reactivated users among the joiners, marked with the status they came back from', async () => {
    const report = new DiffHtmlReport();
    const status = (from: string, to: string) => ({ status: { from, to } });
    report.add(user('00unew'));
    report.add(
      user('00ureact', { ...status('DEPROVISIONED', 'ACTIVE'), 'profile.title': { from: 'A', to: 'B' } }),
    );
    report.add(user('00uunsusp', status('SUSPENDED', 'ACTIVE')));
    // Not a reactivation: still not active, or active already.
    report.add(user('00ustaged', status('DEPROVISIONED', 'PROVISIONED')));
    report.add(user('00utitle', { 'profile.title': { from: 'A', to: 'B' } }));
    report.add(user('00uleft', status('ACTIVE', 'DEPROVISIONED')));
    const html = report.render({
      from: snapshot('a'),
      to: snapshot('b'),
      outcomes: [{ entity: 'users', compared: true, by: 'records', added: 1, removed: 0, changed: 5 }],
      includeVolatile: false,
      footer: 'test',
    });
    const browser = await launchChromium();
    try {
      const page = await browser.openHtml(html);
      const rowsOf = (id: string) =>
        page.evaluate<string[][]>(
          `[...document.querySelectorAll("#${id}-table tbody tr")].map((tr) => [...tr.cells].map((td) => td.innerText))`,
        );
      const joiners = await rowsOf('joiners');
      expect(joiners.map((cells) => cells.slice(1, 3))).toEqual([
        ['00unew', 'new'],
        ['00ureact', 'reactivated (was DEPROVISIONED)'],
        ['00uunsusp', 'reactivated (was SUSPENDED)'],
      ]);
      // The fields that changed with the reactivation show beside it.
      expect(joiners[1]![3]).toContain('profile.title: A → B');
      const other = (await rowsOf('other')).map((cells) => cells.join(' ')).join('\n');
      expect(other).toContain('00ustaged');
      expect(other).toContain('00utitle');
      expect(other).not.toContain('00ureact');
      expect(other).not.toContain('00uunsusp');
      expect((await rowsOf('leavers')).map((cells) => cells[1])).toEqual(['00uleft']);
      expect(await page.evaluate<string>('document.getElementById("joiners").innerText')).toBe(
        'Joiners (new and reactivated users) (3)',
      );
    } finally {
      await browser.close();
    }
  });
});
