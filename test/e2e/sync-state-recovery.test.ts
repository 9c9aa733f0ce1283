import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleOrg } from '../../src/demo/index.js';
import { ensureBuilt, makeWorkspace, runCli, tinyOrgs, type Workspace } from './cli-process.js';
import { expectLatestPointsAt, snapshotIds } from './snapshot-files.js';

/**
 * Requirement (issue 15): a state.json whose System Log checkpoint is on another org (copied from
 * another profile) must not fail every incremental run: it is ignored with a note, the run is full.
 */

let work: Workspace;
let org: SampleOrg;
const orgs = tinyOrgs();

beforeAll(async () => {
  ensureBuilt();
  work = await makeWorkspace();
  org = await orgs.start();
});

afterAll(async () => {
  await orgs.stopAll();
  await work?.remove();
});

describe('state.json of another org', () => {
  it("another org's log checkpoint: the incremental run runs in full with a note, and the next one is incremental", async () => {
    const outputDir = work.outputDir('foreign-checkpoint');
    const env = work.env(org);
    const first = await runCli(['sync', '--output-dir', outputDir], { env });
    expect(first.exitCode).toBe(0);

    const stateFile = path.join(outputDir, 'default', 'state.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    const checkpoint = new URL(state.cursors.incremental.logCheckpoint);
    checkpoint.host = 'other-org.okta.com';
    checkpoint.protocol = 'https:';
    state.cursors.incremental.logCheckpoint = checkpoint.toString();
    writeFileSync(stateFile, JSON.stringify(state, null, 2));

    const second = await runCli(['sync', '--incremental', '--output-dir', outputDir], { env });
    expect(second.stderr).toMatch(
      /Running a full sync: the System Log checkpoint in state\.json is on another host \(other-org\.okta\.com/,
    );
    expect(second.exitCode).toBe(0);
    const ids = snapshotIds(outputDir);
    expect(ids).toHaveLength(2);
    expectLatestPointsAt(outputDir, ids[1] as string);

    // The full run saved this org's checkpoint: the next run builds on it.
    const third = await runCli(['sync', '--incremental', '--output-dir', outputDir], { env });
    expect(third.exitCode).toBe(0);
    expect(third.stderr).not.toContain('Running a full sync');
  });
});
