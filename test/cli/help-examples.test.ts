import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleOrg } from '../../src/demo/index.js';
import {
  BIN,
  CLI_NODE,
  ensureBuilt,
  makeWorkspace,
  runCli,
  tinyOrgs,
  type Workspace,
} from '../e2e/cli-process.js';
import { installFakeCrontab } from '../schedule/fake-crontab.js';
import { COMMANDS, examplesOf, helpOf } from './help-commands.js';

/**
 * Every `$ okta-connector …` example of every --help is run, the way a user pastes it into bash
 * (issue 19): each paragraph of examples in its own sandbox, line after line (an `export` carries
 * over), with `okta-connector` on PATH running the built CLI. The sandbox: a private HOME (the
 * working folder too) and config folder, the profiles the examples name (default and sandbox, each
 * with a daily schedule) configured against a sample org started here, two synced snapshots with changes
 * between them plus the two the diff example names, `~/.okta-token` and `token.txt` holding its
 * token, `$OKTA_API_TOKEN` set, and a fake `crontab` first on PATH. The one rewrite of an example:
 * the Okta domains it names (acme.okta.com, acme.oktapreview.com) become the sample org's origin.
 * Where the machine has no jq(1), a stand-in that parses and prints each JSON line (exit 5 on one
 * that is not JSON, as jq does) takes its place; .ci/run installs the real one.
 */

/** Hang guards only (a slow machine is not a failure): CLI runs take a second or more each here. */
const SETUP_TIMEOUT_MS = 120_000;
const PARAGRAPH_TIMEOUT_MS = 120_000;

/** Examples that exist to show a non-zero exit code: the code and why. */
const EXPECTED_EXIT: { line: RegExp; exitCode: number; why: string }[] = [
  {
    line: /^okta-connector diff --exit-code/,
    exitCode: 1,
    why: 'the org changed between the last two syncs',
  },
];

/** Examples that need a terminal: run under script(1), each answer typed when a "? …:" prompt shows. */
const ON_A_TERMINAL: { line: string; answers: (org: SampleOrg) => string[] }[] = [
  // Domain, authentication (Enter: API token), token; Enter keeps every other default.
  { line: 'okta-connector configure', answers: (org) => [org.url, '', org.token] },
];

const DOMAINS = /\bacme\.(okta|oktapreview)\.com\b/g;

const examples = await (async () => {
  ensureBuilt();
  const workspace = await makeWorkspace('okta-connector-help-examples-list-');
  try {
    const helps = await Promise.all(COMMANDS.map((command) => helpOf(command, workspace)));
    return helps.flatMap((help, index) =>
      examplesOf(help.stdout, ['okta-connector', ...(COMMANDS[index] ?? []), '--help'].join(' ')),
    );
  } finally {
    await workspace.remove();
  }
})();

const orgs = tinyOrgs();
let org: SampleOrg;
let workspace: Workspace;
let template: string;
let bin: string;

beforeAll(async () => {
  org = await orgs.start();
  workspace = await makeWorkspace('okta-connector-help-examples-');
  bin = await installFakeCrontab(workspace.dir);
  // `okta-connector` as an installed package gives it, noting each exit code for the assertions.
  writeFileSync(
    path.join(bin, 'okta-connector'),
    `#!/bin/sh\n"${CLI_NODE}" "${BIN}" "$@"\ncode=$?\necho "$code" >> "$EXAMPLE_EXIT_CODES"\nexit $code\n`,
  );
  chmodSync(path.join(bin, 'okta-connector'), 0o755);
  if (!onPath('jq')) {
    writeFileSync(path.join(bin, 'jq'), `#!${process.execPath}\n${JQ_STAND_IN}`);
    chmodSync(path.join(bin, 'jq'), 0o755);
  }

  template = path.join(workspace.dir, 'template');
  const home = path.join(template, 'home');
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, '.okta-token'), `${org.token}\n`);
  writeFileSync(path.join(home, 'token.txt'), `${org.token}\n`);
  const env = { ...sandboxEnv(template), EXAMPLE_EXIT_CODES: path.join(template, 'setup-codes') };
  const cli = async (args: string[], input?: string) => {
    const result = await runCli(args, { env, cwd: home, ...(input === undefined ? {} : { input }) });
    expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  };
  await cli(['configure', '--domain', org.url, '--token-stdin', '--schedule', 'daily'], org.token);
  await cli(
    ['configure', '--profile', 'sandbox', '--domain', org.url, '--token-stdin', '--schedule', 'daily'],
    org.token,
  );
  await cli(['sync', '--quiet']);
  const older = readLatest(home);
  org.mutate();
  await cli(['sync', '--quiet']);
  // The two snapshots the diff example names, copies of the two synced ones (older than both).
  const profileDir = path.join(home, 'okta-inventory', 'default');
  cpSync(path.join(profileDir, older), path.join(profileDir, '2026-11-01T020000Z'), { recursive: true });
  cpSync(path.join(profileDir, readLatest(home)), path.join(profileDir, '2026-12-01T020000Z'), {
    recursive: true,
  });
  await cli(['sync', '--quiet', '--profile', 'sandbox']);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await orgs.stopAll();
  await workspace?.remove();
});

const JQ_STAND_IN = `
const lines = require('node:fs').readFileSync(0, 'utf8').split('\\n').filter((line) => line.trim() !== '');
for (const line of lines) {
  try {
    process.stdout.write(JSON.stringify(JSON.parse(line), null, 2) + '\\n');
  } catch {
    process.stderr.write('jq: error: not JSON: ' + line.slice(0, 80) + '\\n');
    process.exit(5);
  }
}
`;

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function readLatest(home: string): string {
  return JSON.parse(readFileSync(path.join(home, 'okta-inventory', 'default', 'latest.json'), 'utf8'))
    .snapshot;
}

function sandboxEnv(dir: string): Record<string, string> {
  return {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: path.join(dir, 'home'),
    OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'),
    FAKE_CRONTAB_FILE: path.join(dir, 'crontab'),
    OKTA_API_TOKEN: org.token,
    NO_COLOR: '1',
  };
}

interface LineRun {
  exitCode: number | null;
  output: string;
}

/** Runs one example line with bash in the sandbox, after the environment the previous line left. */
function runLine(dir: string, index: number, line: string, answers: string[] | undefined): Promise<LineRun> {
  const state = path.join(dir, 'shell-state');
  const script = path.join(dir, `line-${index}.sh`);
  writeFileSync(
    script,
    `[ -f "${state}" ] && . "${state}"\n${line}\ncode=$?\nexport -p > "${state}"\nexit $code\n`,
  );
  const env = { ...sandboxEnv(dir), EXAMPLE_EXIT_CODES: path.join(dir, 'exit-codes') };
  const [file, args] = answers ? ['script', ['-qefc', `bash ${script}`, '/dev/null']] : ['bash', [script]];
  const child = spawn(file, args as string[], {
    cwd: path.join(dir, 'home'),
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let sincePrompt = '';
  const pending = [...(answers ?? [])];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    sincePrompt += chunk.toString();
    // A question is "? <text>: ", maybe followed by readline's cursor moves.
    if (answers && /\? [^\n]*: (\u001b\[\d*[A-Za-z])*$/.test(sincePrompt)) {
      sincePrompt = '';
      child.stdin.write(`${pending.shift() ?? ''}\r`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  if (!answers) child.stdin.end();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output }));
  });
}

describe('every example in every --help runs', () => {
  it('finds the examples (the extraction itself can break)', () => {
    expect(examples.length).toBeGreaterThanOrEqual(COMMANDS.length);
    for (const paragraph of examples) {
      for (const command of paragraph.commands)
        expect(command, paragraph.from).toMatch(/okta-connector|^export /);
    }
  });

  it('names no example that is gone (each expected exit code and terminal run is used)', () => {
    const all = examples.flatMap((paragraph) => paragraph.commands);
    for (const entry of EXPECTED_EXIT)
      expect(
        all.some((line) => entry.line.test(line)),
        String(entry.line),
      ).toBe(true);
    for (const entry of ON_A_TERMINAL) expect(all, entry.line).toContain(entry.line);
  });

  it('has script(1) for the examples that need a terminal', () => {
    // Debian's bsdutils (Essential, so on every Debian machine) ships it; elsewhere util-linux does.
    expect(onPath('script'), 'script(1) is missing: apt-get install bsdutils (or util-linux)').toBe(true);
  });

  // Each paragraph has a sandbox of its own, so they run side by side.
  it.concurrent.for(
    examples.map((paragraph) => [`${paragraph.from}: ${paragraph.commands.join(' ; ')}`, paragraph] as const),
  )('%s', { timeout: PARAGRAPH_TIMEOUT_MS }, async ([, paragraph], { expect }) => {
    const dir = mkdtempSync(path.join(workspace.dir, 'run-'));
    cpSync(template, dir, { recursive: true });
    const codesFile = path.join(dir, 'exit-codes');
    let invocations = 0;
    for (const [index, example] of paragraph.commands.entries()) {
      const line = example.replace(DOMAINS, org.url);
      const terminal = ON_A_TERMINAL.find((entry) => entry.line === example);
      const run = await runLine(dir, index, line, terminal?.answers(org));
      const where = `${paragraph.from}\n$ ${example}\n${run.output}`;
      expect(run.exitCode, where).toBe(0);
      if (!/\bokta-connector\b/.test(example.replace(/^export .*/, ''))) continue;
      invocations += 1;
      const codes = existsSync(codesFile) ? readFileSync(codesFile, 'utf8').trim().split('\n') : [];
      expect(codes.length, `okta-connector did not run: ${where}`).toBe(invocations);
      const expected = EXPECTED_EXIT.find((entry) => entry.line.test(example))?.exitCode ?? 0;
      expect(Number(codes.at(-1)), where).toBe(expected);
    }
  });
});
