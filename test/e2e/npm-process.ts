import { execFile } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI_NODE, ROOT } from './cli-process.js';

/** Runs npm, npx or the installed CLI as a person would, for the install tests. */

export const exec = promisify(execFile);
export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
export const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/**
 * This environment without npm's own variables (a nested npm would take `npm_config_local_prefix`
 * and the lifecycle variables of the `npm test` around it), with the Node line under test
 * (OKTA_CONNECTOR_TEST_NODE) first on PATH, so `#!/usr/bin/env node` runs it. npm's cache stays the
 * one `npm ci` filled, whatever HOME the test gives, so `--prefer-offline` rarely needs the registry.
 */
export function personEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return {
    ...env,
    PATH: `${path.dirname(CLI_NODE)}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_cache: process.env.npm_config_cache ?? path.join(homedir(), '.npm'),
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/** Copies what a git clone of this repository holds of the package (dist/ and node_modules/ are git-ignored). */
export async function copyCheckout(to: string, entries: string[]): Promise<void> {
  for (const entry of entries) await cp(path.join(ROOT, entry), path.join(to, entry), { recursive: true });
}

/** The checkout's files a clone has and `npm install`, `npm pack` and the CLI need. */
export const CHECKOUT_FILES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'README.md',
  'LICENSE',
  '.gitignore',
  'bin',
  'src',
  'docs',
];
