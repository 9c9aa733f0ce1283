/**
 * The baseline: the inventory pulled the way a typical script does it with Okta's official Node SDK
 * (@okta/okta-sdk-nodejs): one request at a time, `for await` over each collection, every record
 * written as one JSON line. It reads users (plain list, then the DEPROVISIONED filter a plain list
 * leaves out), groups and their members, apps with their users and groups, and the System Log app
 * sign-ins of the last 90 days (the same bounded query sync makes). No admin roles, devices or
 * user schema: less than sync reads.
 *
 *   OKTA_CLIENT_ORGURL=… OKTA_CLIENT_TOKEN=… node bench/sdk-baseline.cjs <out-dir> default|max
 *
 * `default` sends no `limit` (Okta's default page sizes), `max` sends each list's maximum. Prints one
 * JSON line: `{ records, counts }`. The SDK reads its settings from the environment; its own
 * rate-limit handling (wait for the reset after a 429, retry twice) is left on, as a script would.
 */
const { createWriteStream } = require('node:fs');
const { join } = require('node:path');
const okta = require('@okta/okta-sdk-nodejs');

const MAX = {
  users: 200,
  groups: 10_000,
  groupMembers: 10_000,
  apps: 200,
  appUsers: 500,
  appGroups: 200,
  logs: 1000,
};

async function main() {
  const [outDir, mode] = process.argv.slice(2);
  if (!outDir || (mode !== 'default' && mode !== 'max')) {
    throw new Error('usage: sdk-baseline.cjs <out-dir> default|max');
  }
  const limit = (key) => (mode === 'max' ? { limit: MAX[key] } : {});
  // The SDK builds its URLs from the org URL as given; 8.x does not insist on https.
  const client = new okta.Client({
    orgUrl: process.env.OKTA_CLIENT_ORGURL,
    token: process.env.OKTA_CLIENT_TOKEN,
  });
  const counts = {};

  const file = (name) => {
    const stream = createWriteStream(join(outDir, `${name}.ndjson`));
    counts[name] = 0;
    return {
      async write(record) {
        counts[name]++;
        if (!stream.write(`${JSON.stringify(record)}\n`)) {
          await new Promise((resolve) => stream.once('drain', resolve));
        }
      },
      close: () =>
        new Promise((resolve, reject) => stream.end((error) => (error ? reject(error) : resolve()))),
    };
  };

  const users = file('users');
  for await (const user of await client.userApi.listUsers({ ...limit('users') })) await users.write(user);
  const deprovisioned = { filter: 'status eq "DEPROVISIONED"', ...limit('users') };
  for await (const user of await client.userApi.listUsers(deprovisioned)) await users.write(user);
  await users.close();

  const groups = file('groups');
  const members = file('group_members');
  for await (const group of await client.groupApi.listGroups({ ...limit('groups') })) {
    await groups.write(group);
    const listed = await client.groupApi.listGroupUsers({ groupId: group.id, ...limit('groupMembers') });
    for await (const user of listed) await members.write({ groupId: group.id, userId: user.id });
  }
  await groups.close();
  await members.close();

  const apps = file('apps');
  const appUsers = file('app_users');
  const appGroups = file('app_groups');
  for await (const app of await client.applicationApi.listApplications({ ...limit('apps') })) {
    await apps.write(app);
    const listedUsers = await client.applicationApi.listApplicationUsers({
      appId: app.id,
      ...limit('appUsers'),
    });
    for await (const appUser of listedUsers) await appUsers.write({ appId: app.id, ...appUser });
    const listedGroups = await client.applicationApi.listApplicationGroupAssignments({
      appId: app.id,
      ...limit('appGroups'),
    });
    for await (const appGroup of listedGroups) await appGroups.write({ appId: app.id, ...appGroup });
  }
  await apps.close();
  await appUsers.close();
  await appGroups.close();

  const now = Date.now();
  const signIns = file('app_sign_ins');
  const events = await client.systemLogApi.listLogEvents({
    since: new Date(now - 90 * 86_400_000).toISOString(),
    until: new Date(now).toISOString(),
    filter: process.env.BENCH_LOG_FILTER,
    sortOrder: 'ASCENDING',
    ...limit('logs'),
  });
  for await (const event of events) await signIns.write(event);
  await signIns.close();

  const records = Object.values(counts).reduce((total, count) => total + count, 0);
  process.stdout.write(`${JSON.stringify({ records, counts })}\n`);
}

main().catch((error) => {
  process.stderr.write(`sdk baseline failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
