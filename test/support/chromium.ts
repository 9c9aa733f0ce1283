import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

/**
 * Headless Chromium for tests that check a page the way a person sees it (Debian's `chromium`;
 * `.ci/run` installs it; `CHROMIUM` names another binary). It is driven over the DevTools protocol
 * on a pipe (`--remote-debugging-pipe`: fd 3 in, fd 4 out, NUL-terminated JSON), so no port, no
 * WebSocket and no npm dependency; scripts evaluated this way are not subject to the page's content
 * security policy, so a page that forbids scripts can still be measured.
 *
 * ```ts
 * const browser = await launchChromium();
 * const page = await browser.openHtml(html, { width: 1400, height: 900 });
 * const width = await page.evaluate<number>('document.documentElement.scrollWidth');
 * await page.screenshot('docs/report.png');
 * await browser.close();
 * ```
 */
export interface Chromium {
  /** Opens an HTML document (written to a temporary file, loaded as file://) at the given viewport. */
  openHtml(html: string, viewport?: Viewport): Promise<ChromiumPage>;
  /** Opens a URL at the given viewport and waits for its load event. */
  open(url: string, viewport?: Viewport): Promise<ChromiumPage>;
  close(): Promise<void>;
}

export interface Viewport {
  /** CSS pixels. @default 1400 */
  width?: number;
  /** CSS pixels. @default 900 */
  height?: number;
}

export interface ChromiumPage {
  /** Evaluates a JavaScript expression in the page (promises awaited) and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Resizes the viewport; the page lays itself out again. */
  setViewport(viewport: Viewport): Promise<void>;
  /** Writes a PNG of the viewport, or of the whole page with `fullPage` (up to `maxHeight` px). */
  screenshot(file: string, options?: { fullPage?: boolean; maxHeight?: number }): Promise<void>;
  close(): Promise<void>;
}

interface Message {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/** Starts headless Chromium. Throws a clear error when it is not installed. */
export async function launchChromium(options: { timeoutMs?: number } = {}): Promise<Chromium> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const profile = await mkdtemp(join(tmpdir(), 'okta-chromium-'));
  const binary = process.env.CHROMIUM ?? 'chromium';
  const child: ChildProcess = spawn(
    binary,
    [
      '--headless',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-extensions',
      '--hide-scrollbars',
      '--force-color-profile=srgb',
      '--font-render-hinting=none',
      // Chromium refuses to run as root with its sandbox (CI runs as root); the pages are our own.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;

  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (value: Message['result']) => void; reject: (error: Error) => void }
  >();
  const listeners = new Set<(message: Message) => void>();
  let exited: Error | undefined;
  const failAll = (error: Error) => {
    exited = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  child.on('error', (error: NodeJS.ErrnoException) => {
    failAll(
      error.code === 'ENOENT'
        ? new Error(`${binary} not found: install Chromium (apt-get install -y chromium) or set CHROMIUM`)
        : error,
    );
  });
  child.on('exit', (code, signal) => {
    failAll(new Error(`chromium exited (${signal ?? code}) ${stderr.trim()}`));
  });

  let buffered = '';
  fromBrowser.setEncoding('utf8');
  fromBrowser.on('data', (chunk: string) => {
    buffered += chunk;
    let end = buffered.indexOf('\0');
    while (end !== -1) {
      const message = JSON.parse(buffered.slice(0, end)) as Message;
      buffered = buffered.slice(end + 1);
      end = buffered.indexOf('\0');
      if (message.id !== undefined && pending.has(message.id)) {
        const waiter = pending.get(message.id)!;
        pending.delete(message.id);
        if (message.error) waiter.reject(new Error(`DevTools: ${message.error.message}`));
        else waiter.resolve(message.result ?? {});
      } else {
        for (const listener of listeners) listener(message);
      }
    }
  });

  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      if (exited) return reject(exited);
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`DevTools: ${method} took over ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value ?? {});
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });

  const waitFor = (method: string, sessionId: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`DevTools: no ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (message: Message) => {
        if (message.method === method && message.sessionId === sessionId) {
          clearTimeout(timer);
          listeners.delete(listener);
          resolve();
        }
      };
      listeners.add(listener);
    });

  await send('Browser.getVersion');
  const files: string[] = [];

  const open = async (url: string, viewport: Viewport = {}): Promise<ChromiumPage> => {
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    };
    const command = (method: string, params?: Record<string, unknown>) => send(method, params, sessionId);
    const setViewport = async ({ width = 1400, height = 900 }: Viewport) => {
      await command('Emulation.setDeviceMetricsOverride', {
        width,
        height,
        deviceScaleFactor: 1,
        mobile: false,
      });
    };
    await command('Page.enable');
    await setViewport(viewport);
    const loaded = waitFor('Page.loadEventFired', sessionId);
    await command('Page.navigate', { url });
    await loaded;
    const evaluate = async <T>(expression: string): Promise<T> => {
      const reply = (await command('Runtime.evaluate', {
        expression,
        returnByValue: true,
        awaitPromise: true,
      })) as {
        result: { value: T };
        exceptionDetails?: { exception?: { description?: string }; text: string };
      };
      if (reply.exceptionDetails) {
        throw new Error(
          `in the page: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`,
        );
      }
      return reply.result.value;
    };
    return {
      evaluate,
      setViewport,
      async screenshot(file, options = {}) {
        let clip: Record<string, number> | undefined;
        if (options.fullPage) {
          const size = await evaluate<{ width: number; height: number }>(
            '({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight })',
          );
          clip = {
            x: 0,
            y: 0,
            width: size.width,
            height: Math.min(size.height, options.maxHeight ?? 8000),
            scale: 1,
          };
        }
        const { data } = (await command('Page.captureScreenshot', {
          format: 'png',
          ...(clip ? { clip, captureBeyondViewport: true } : {}),
        })) as { data: string };
        await writeFile(file, Buffer.from(data, 'base64'));
      },
      async close() {
        await send('Target.closeTarget', { targetId });
      },
    };
  };

  return {
    open,
    async openHtml(html, viewport) {
      const file = join(profile, `page-${files.length}.html`);
      files.push(file);
      await writeFile(file, html);
      return open(pathToFileURL(file).href, viewport);
    },
    async close() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        await send('Browser.close').catch(() => undefined);
        await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        if (!exited) child.kill('SIGKILL');
      }
      await rm(profile, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
