import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Chromium, launchChromium } from './chromium.js';

let browser: Chromium;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the headless Chromium helper', () => {
  it('lays a page out at the viewport asked for, despite a CSP that forbids scripts', async () => {
    const html = `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
      <body style="margin:0"><div id="wide" style="width:2000px;height:10px"></div><p>hello</p><script>document.querySelector("p").textContent = "script ran"</script></body>`;
    const page = await browser.openHtml(html, { width: 1400, height: 600 });
    expect(await page.evaluate<number>('window.innerWidth')).toBe(1400);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBe(2000);
    expect(await page.evaluate<string>('document.querySelector("p").innerText')).toBe('hello');
    await page.setViewport({ width: 2400 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBe(2400);
    await expect(page.evaluate('nope()')).rejects.toThrow(/nope is not defined/);
    await page.close();
  });

  it('takes a PNG screenshot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'okta-shot-'));
    try {
      const page = await browser.openHtml('<body style="background:#c00">red</body>', {
        width: 320,
        height: 200,
      });
      await page.screenshot(join(dir, 'shot.png'));
      const png = await readFile(join(dir, 'shot.png'));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(320);
      expect(png.readUInt32BE(20)).toBe(200);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
