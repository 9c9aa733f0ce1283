import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seatChartSvg } from '../../src/export/html-report.js';
import { type Chromium, type ChromiumPage, launchChromium } from '../support/chromium.js';
import { CLOCK, DAY_MS, runExport, writeSnapshot } from './helpers.js';

/**
 * The licence-usage report as a person sees it: rendered by headless Chromium at 1400 × 900 CSS px and
 * measured there. With REPORT_SCREENSHOTS=<dir> the screenshots docs/export.md shows are written there
 * (`REPORT_SCREENSHOTS=docs/images npx vitest run --config test/vitest.config.ts test/export/licence-report-chromium.test.ts`).
 */

/** Apps like the 40-app org: one far over its seats, one huge, one tiny, one nobody uses. */
const APPS: { id: string; label: string; seats?: number; assigned: number; active: number; never: number }[] =
  [
    { id: 'sf', label: 'Salesforce, "Sales Cloud"', seats: 250, assigned: 1164, active: 280, never: 522 },
    { id: 'intranet', label: 'Company Intranet 🏢', assigned: 1891, active: 438, never: 848 },
    { id: 'zoom', label: 'Zoom', seats: 600, assigned: 420, active: 390, never: 10 },
    { id: 'figma', label: 'Figma', seats: 40, assigned: 52, active: 30, never: 12 },
    { id: 'tiny', label: 'Legal hold (one user)', seats: 1, assigned: 1, active: 1, never: 0 },
    { id: 'rtl', label: 'بوابة الموظفين', assigned: 3, active: 0, never: 3 },
    {
      id: 'long',
      label: 'A very long application label that goes on and on to test wrapping in the table',
      seats: 100,
      assigned: 80,
      active: 79,
      never: 1,
    },
    {
      id: 'unused',
      label: 'Adobe Acrobat (bought, not rolled out)',
      seats: 50,
      assigned: 0,
      active: 0,
      never: 0,
    },
    { id: 'old', label: 'Old wiki', assigned: 0, active: 0, never: 0 },
  ];
const USERS = 2000;

function entities(): Record<string, Record<string, unknown>[]> {
  const users = Array.from({ length: USERS }, (_, index) => ({
    id: `00u${String(index).padStart(6, '0')}`,
    status: index % 37 === 0 ? 'SUSPENDED' : 'ACTIVE',
    lastLogin: new Date(CLOCK - (index % 60) * DAY_MS).toISOString(),
    profile: {
      login: `user.${index}@acme.example`,
      email: `user.${index}@acme.example`,
      displayName: `User Number ${index}`,
      department: ['Sales', 'Engineering', 'Finance', 'Human Resources'][index % 4],
    },
  }));
  const appUsers: Record<string, unknown>[] = [];
  const appUsage: Record<string, unknown>[] = [];
  for (const app of APPS) {
    for (let index = 0; index < app.assigned; index++) {
      const userId = users[index % USERS]!.id;
      appUsers.push({ appId: app.id, userId, scope: index % 3 === 0 ? 'GROUP' : 'USER', status: 'ACTIVE' });
      if (index < app.active) {
        appUsage.push({
          userId,
          appId: app.id,
          lastSignIn: new Date(CLOCK - 2 * DAY_MS).toISOString(),
          signIns30d: 4,
          signIns90d: 9,
        });
      } else if (index < app.assigned - app.never) {
        appUsage.push({
          userId,
          appId: app.id,
          lastSignIn: new Date(CLOCK - 61 * DAY_MS).toISOString(),
          signIns30d: 0,
          signIns90d: 1,
        });
      }
    }
  }
  return {
    users,
    apps: APPS.map((app) => ({
      id: app.id,
      label: app.label,
      status: 'ACTIVE',
      signOnMode: 'SAML_2_0',
      ...(app.seats === undefined ? {} : { licensing: { seatCount: app.seats } }),
    })),
    app_users: appUsers,
    app_usage: appUsage,
  };
}

let browser: Chromium;
let root: string;
let outputDir: string;
const screenshots = process.env.REPORT_SCREENSHOTS ? resolve(process.env.REPORT_SCREENSHOTS) : undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'okta-report-'));
  outputDir = join(root, 'out');
  await writeSnapshot({ outputDir, format: 'json', entities: entities() });
  browser = await launchChromium();
  if (screenshots) await mkdir(screenshots, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await rm(root, { recursive: true, force: true });
});

async function report(name: string, options: { by?: string } = {}): Promise<ChromiumPage> {
  const file = join(root, `${name}.html`);
  await runExport({ outputDir, view: 'licence-usage', format: 'html', output: file, ...options });
  return browser.openHtml(await readFile(file, 'utf8'), { width: 1400, height: 900 });
}

/** Nothing scrolls sideways: neither the page nor the table's own box. */
const HORIZONTAL_OVERFLOW = `(() => {
  const page = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  const box = document.querySelector('div.table');
  return { page, table: box.scrollWidth - box.clientWidth, viewport: window.innerWidth };
})()`;

describe('the licence-usage report in Chromium at 1400 px', () => {
  it('shows the over-allocated app and its number on the first screen, in the table and the chart', async () => {
    const page = await report('licence-usage');
    expect(await page.evaluate(HORIZONTAL_OVERFLOW)).toStrictEqual({ page: 0, table: 0, viewport: 1400 });

    const alert = await page.evaluate<{ text: string; top: number; bottom: number; color: string }>(`(() => {
      const alert = document.querySelector('[role=alert]');
      const box = alert.getBoundingClientRect();
      return { text: alert.innerText, top: box.top, bottom: box.bottom, color: getComputedStyle(alert.querySelector('strong')).color };
    })()`);
    expect(alert.text).toContain('2 apps have more users assigned than seats bought');
    expect(alert.text).toContain(
      'Salesforce, "Sales Cloud": 1,164 users assigned to 250 seats — 914 over-allocated',
    );
    expect(alert.text).toContain('Figma: 52 users assigned to 40 seats — 12 over-allocated');
    expect(alert.bottom).toBeLessThan(900);
    expect(alert.color).toBe('rgb(198, 40, 40)');

    const table = await page.evaluate<{
      headings: string[];
      rows: string[][];
      overCell: { text: string; color: string; right: number };
    }>(`(() => {
      const headings = [...document.querySelectorAll('table thead th')].map((th) => th.innerText.trim());
      const rows = [...document.querySelectorAll('table tbody tr')].map((tr) => [...tr.cells].map((td) => td.innerText.trim()));
      const column = headings.indexOf('Over-allocated (assigned beyond seats)');
      const cell = document.querySelector('table tbody tr').cells[column];
      return { headings, rows, overCell: { text: cell.innerText, color: getComputedStyle(cell).color, right: cell.getBoundingClientRect().right } };
    })()`);
    expect(table.headings.slice(0, 6)).toStrictEqual([
      'App',
      'Seats bought',
      'Users assigned',
      'Over-allocated (assigned beyond seats)',
      'Seats not assigned',
      'Active (30 days)',
    ]);
    expect(table.headings).not.toContain('app.id');
    expect(table.rows.map((row) => row[0])).toStrictEqual([
      'Salesforce, "Sales Cloud"',
      'Figma',
      'Company Intranet 🏢',
      'Zoom',
      'بوابة الموظفين',
      APPS[6]!.label,
      'Legal hold (one user)',
      'Adobe Acrobat (bought, not rolled out)',
      'Old wiki',
    ]);
    expect(table.overCell).toMatchObject({ text: '914', color: 'rgb(198, 40, 40)' });
    expect(table.overCell.right).toBeLessThanOrEqual(1400);

    // The chart lists the apps in the table's order, nobody-assigned ones too, with a note.
    const chart = await page.evaluate<{ labels: string[]; figures: string[] }>(`(() => {
      const groups = [...document.querySelectorAll('svg.chart g')];
      return {
        labels: groups.map((g) => g.querySelectorAll('text')[0].textContent),
        figures: groups.map((g) => g.querySelectorAll('text')[1].textContent),
      };
    })()`);
    expect(chart.labels).toStrictEqual(
      table.rows.map((row) => (row[0]!.length > 36 ? `${row[0]!.slice(0, 35)}…` : row[0])),
    );
    expect(chart.figures[0]).toBe('280 active of 1,164 assigned · 250 seats · 914 over-allocated');
    expect(chart.figures.at(-2)).toBe('nobody assigned · 50 seats bought');
    expect(chart.figures.at(-1)).toBe('nobody assigned');
    if (screenshots) {
      await page.screenshot(join(screenshots, 'licence-usage-report.png'));
      await page.screenshot(join(screenshots, 'licence-usage-report-full.png'), { fullPage: true });
    }
    await page.close();
  });

  it('the chart stays legible from 1 to 100,000 users per app', async () => {
    const sizes = [1, 3, 40, 1_000, 100_000];
    const svg = seatChartSvg(
      sizes.map((assigned) => ({
        label: `app of ${assigned}`,
        seats: null,
        assigned,
        active: Math.ceil(assigned / 2),
      })),
      30,
    );
    const page = await browser.openHtml(`<!doctype html><body style="margin:0;width:1200px">${svg}</body>`, {
      width: 1400,
    });
    const widths = await page.evaluate<{ used: number; frame: number }[]>(
      `[...document.querySelectorAll('svg g')].map((g) => ({ used: g.querySelector('rect.used').getBoundingClientRect().width, frame: g.querySelector('rect.frame').getBoundingClientRect().width }))`,
    );
    for (const [index, { used, frame }] of widths.entries()) {
      const share = Math.ceil(sizes[index]! / 2) / sizes[index]!;
      expect(frame).toBeGreaterThan(400);
      // Half (or more) of a bar is half of it on screen, whatever the app's size: never a sliver.
      expect(used / frame).toBeCloseTo(share, 2);
    }
    await page.close();
  });

  it('--by user: a summary above the table, the user first, dates as dates, no sideways scroll', async () => {
    const page = await report('licence-usage-by-user', { by: 'user' });
    expect(await page.evaluate(HORIZONTAL_OVERFLOW)).toStrictEqual({ page: 0, table: 0, viewport: 1400 });
    const seen = await page.evaluate<{
      summary: string;
      summaryTop: number;
      tableTop: number;
      first: string;
      key: { left: number; right: number };
      headings: string[];
      dates: string[];
    }>(`(() => {
      const summary = [...document.querySelectorAll('section.first')].at(-1);
      const table = document.querySelector('table');
      const headings = [...table.tHead.rows[0].cells].map((th) => th.innerText.trim());
      const row = table.tBodies[0].rows[0];
      const box = row.cells[0].getBoundingClientRect();
      const dateColumn = headings.indexOf('Last sign-in to the app');
      const dates = [...table.tBodies[0].rows].map((tr) => tr.cells[dateColumn].innerText).filter((t) => t !== '').slice(0, 3);
      return { summary: summary.innerText, summaryTop: summary.getBoundingClientRect().top, tableTop: table.getBoundingClientRect().top, first: row.cells[0].innerText, key: { left: box.left, right: box.right }, headings, dates };
    })()`);
    expect(seen.summary).toContain('Unused assignments (not active in 30 days)');
    // 1164 - 280 + 1891 - 438 + 420 - 390 + 52 - 30 + 3 + 80 - 79
    expect(seen.summary).toContain((884 + 1453 + 30 + 22 + 3 + 1).toLocaleString('en-US'));
    expect(seen.summaryTop).toBeLessThan(seen.tableTop);
    expect(seen.summaryTop).toBeLessThan(900);
    expect(seen.headings[0]).toBe('User (login)');
    expect(seen.first).toBe('user.0@acme.example');
    expect(seen.key.left).toBeGreaterThanOrEqual(0);
    expect(seen.key.right).toBeLessThan(1400);
    expect(seen.dates.length).toBeGreaterThan(0);
    for (const date of seen.dates) expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    if (screenshots) await page.screenshot(join(screenshots, 'licence-usage-by-user.png'));
    await page.close();
  });
});
