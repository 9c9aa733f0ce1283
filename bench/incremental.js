/**
 * `npm run bench -- --incremental [--size medium,large] [--window-ms 1000] [--share 50] [--out file.json]`:
 * a full sync, a scripted night of changes (issue 17's night, scaled to the org: 1 % of users
 * touched), the incremental sync that follows, and a full sync of the same moment. Reports, per
 * rate-limit bucket, requests incremental/full, and wall time incremental/full, all measured in the
 * same run against the same sample org. `--share` is every sync's --rate-limit-share (default 50). The sample org runs in this process (it is not measured);
 * each sync is the built CLI in its own process, as a user runs it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exitOf, startChild } from './child-processes.js';

/**
 * Issue 17's night on a 20,000-user org, scaled by users / 20,000 (at least one of each). `kinds`
 * `every` (the default) adds one of each change kind the sample org models beyond the issue's list;
 * `issue` is the issue's list alone.
 */
export function nightFor(users, kinds = 'every') {
  const scale = users / 20_000;
  const n = (count) => Math.max(1, Math.round(count * scale));
  const beyond = kinds === 'every' ? 1 : 0;
  return {
    seed: 17,
    addUsers: n(20),
    updateUsers: n(100),
    deprovisionUsers: n(10),
    deleteUsers: n(2),
    reactivateUsers: n(1),
    addMemberships: n(15),
    removeMemberships: n(15),
    addAppAssignments: n(15),
    removeAppAssignments: n(15),
    assignGroupsToApps: 1,
    signIns: n(2_000),
    failedSignIns: n(3),
    // The kinds the sample org models beyond issue 17's list (EVERY_CHANGE_KIND), one each.
    appLifecycleChanges: beyond,
    unassignGroupsFromApps: beyond,
    grantGroupRoles: beyond,
    deleteGroups: beyond,
  };
}

const bucketCounts = (org) =>
  Object.fromEntries(Object.entries(org.counters.buckets).map(([name, bucket]) => [name, bucket.requests]));

async function syncOnce({ root, org, outputDir, flags, share }) {
  const before = bucketCounts(org);
  const started = performance.now();
  const child = startChild(
    process.execPath,
    [
      join(root, 'bin', 'okta-connector.js'),
      'sync',
      '--output-dir',
      outputDir,
      '--format',
      'ndjson',
      '--json',
      '--rate-limit-share',
      String(share),
      ...flags,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        OKTA_CLIENT_ORGURL: org.url,
        OKTA_CLIENT_TOKEN: org.token,
        OKTA_CONNECTOR_CONFIG_DIR: outputDir,
        NO_COLOR: '1',
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text) => {
    stderr = (stderr + text).slice(-4000);
  });
  const { code } = await exitOf(child);
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`sync ${flags.join(' ')} exited ${code}: ${stderr.trim()}`);
  const after = bucketCounts(org);
  const buckets = {};
  for (const name of Object.keys(after)) buckets[name] = after[name] - (before[name] ?? 0);
  return { wallMs, buckets, result: JSON.parse(stdout) };
}

const ratio = (a, b) => (b === 0 ? (a === 0 ? '-' : 'inf') : (a / b).toFixed(2));

export async function runIncrementalBench({
  root,
  sizes,
  windowMs,
  share = 50,
  night: kinds = 'every',
  out,
}) {
  const { startSampleOrg } = await import(pathToFileURL(join(root, 'dist', 'demo', 'index.js')).href);
  const report = [];
  for (const size of sizes) {
    const org = await startSampleOrg({ size, rateLimits: { windowMs } });
    const work = await mkdtemp(join(tmpdir(), `okta-bench-incremental-${size}-`));
    try {
      const first = await syncOnce({
        root,
        org,
        outputDir: join(work, 'incremental'),
        flags: ['--incremental'],
        share,
      });
      if (first.result.mode !== 'full') throw new Error('the first run was not full');
      const users = first.result.entities.find((entry) => entry.entity === 'users')?.count ?? 0;
      const night = org.mutate(nightFor(users, kinds));
      const incremental = await syncOnce({
        root,
        org,
        outputDir: join(work, 'incremental'),
        flags: ['--incremental'],
        share,
      });
      if (incremental.result.mode !== 'incremental')
        throw new Error(`the second run was not incremental: ${incremental.result.fullReason}`);
      const full = await syncOnce({ root, org, outputDir: join(work, 'full'), flags: ['--full'], share });
      // The same counts in every entity (the e2e tests compare value for value, on a frozen clock).
      // Not app_usage: the org's clock runs here, and between the two runs sign-ins at the edge of the
      // 90-day window drop out of it.
      for (const entry of full.result.entities) {
        if (entry.entity === 'app_usage') continue;
        const other = incremental.result.entities.find((item) => item.entity === entry.entity);
        if (other?.count !== entry.count)
          throw new Error(
            `${size}: ${entry.entity} has ${other?.count} rows incrementally, ${entry.count} in full`,
          );
      }
      const touched = new Set([
        ...night.addedUsers,
        ...night.updatedUsers,
        ...night.deprovisionedUsers,
        ...night.deletedUsers,
        ...night.reactivatedUsers,
        ...night.addedMemberships.map((entry) => entry.userId),
        ...night.removedMemberships.map((entry) => entry.userId),
        ...night.addedAppAssignments.map((entry) => entry.userId),
        ...night.removedAppAssignments.map((entry) => entry.userId),
      ]).size;
      const names = [...new Set([...Object.keys(full.buckets), ...Object.keys(incremental.buckets)])].sort();
      const rows = names.map((bucket) => ({
        bucket,
        full: full.buckets[bucket] ?? 0,
        incremental: incremental.buckets[bucket] ?? 0,
        ratio: ratio(incremental.buckets[bucket] ?? 0, full.buckets[bucket] ?? 0),
      }));
      const entry = {
        size,
        users,
        windowMs,
        share,
        usersTouched: touched,
        touchedShare: `${((100 * touched) / users).toFixed(2)} %`,
        signIns: night.signInEvents,
        buckets: rows,
        wall: {
          fullMs: Math.round(full.wallMs),
          incrementalMs: Math.round(incremental.wallMs),
          ratio: ratio(incremental.wallMs, full.wallMs),
        },
      };
      report.push(entry);
      process.stdout.write(
        `\n${size}: ${users} users, ${touched} touched (${entry.touchedShare}), ${night.signInEvents} sign-ins; window ${windowMs} ms, share ${share} %, night: ${kinds === 'issue' ? "issue 17's list" : 'every change kind'}\n`,
      );
      process.stdout.write('| bucket | full | incremental | incremental/full |\n|---|---:|---:|---:|\n');
      for (const row of rows)
        process.stdout.write(`| ${row.bucket} | ${row.full} | ${row.incremental} | ${row.ratio} |\n`);
      process.stdout.write(
        `| wall time | ${(full.wallMs / 1000).toFixed(1)} s | ${(incremental.wallMs / 1000).toFixed(1)} s | ${entry.wall.ratio} |\n`,
      );
    } finally {
      await org.stop();
      await rm(work, { recursive: true, force: true });
    }
  }
  if (out) await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
