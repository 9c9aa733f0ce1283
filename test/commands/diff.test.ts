import { describe, expect, it } from 'vitest';
import { run } from '../cli/harness.js';

describe('diff --help', () => {
  it('usage, options (one table), global options, examples', async () => {
    const result = await run(['diff', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: okta-connector diff [options]

      Compare two snapshots of one org (default: the latest complete one and the
      complete one before it) and list every record added, removed or changed, entity
      by entity, as NDJSON, JSON, CSV or an HTML report. Fields that move every night
      (lastLogin, lastUpdated, …) are not changes unless --include-volatile. Reads
      only the snapshot folders: no Okta request, no token. A summary goes to stderr
      (with --json, to stdout). See docs/diff.md.

      Options:
        --from <snapshot>   older snapshot: id of the profile, folder, or latest
                            (default: the complete one before --to)
        --to <snapshot>     newer snapshot: id of the profile, folder, or latest
                            (default: latest)
        --output-dir <dir>  folder of the snapshots (default: the profile's, else
                            ~/okta-inventory)
        --only <entities>   comma-separated entities to compare (users, user_schema,
                            groups, group_members, apps, app_users, app_groups,
                            admin_roles, devices, app_usage; default: all but
                            app_usage)
        --format <format>   ndjson, json, csv, html (default: ndjson)
        --output <file>     write to this file, whole or not at all (default: -,
                            stdout)
        --include-volatile  report fields that move every night too (lastLogin,
                            lastUpdated, …)
        --exit-code         exit 1 when there are changes, 0 when none (like git diff)
        -h, --help          show help

      Global Options:
        -V, --version       print the version
        --profile <name>    config profile to use (default: "default")
        --json              print one JSON document on stdout
        -q, --quiet         only warnings and errors on stderr
        --verbose           log each Okta request on stderr
        --no-color          no colours (also: NO_COLOR, no terminal)

      Examples:
        # What changed since the previous sync
        $ okta-connector diff

        # Who gained or lost access to apps, for a spreadsheet
        $ okta-connector diff --only app_users,app_groups --format csv --output access-changes.csv

        # The report for an audit, between two named snapshots
        $ okta-connector diff --from 2026-11-01T020000Z --to 2026-12-01T020000Z --format html --output changes.html

        # In a script: exit 1 when anything changed
        $ okta-connector diff --exit-code --quiet --output /dev/null || echo "the org changed"

      "
    `);
  });
});

describe('diff: usage before any snapshot is read', () => {
  it('--json needs --output (the changes would share stdout with the summary)', async () => {
    const result = await run(['diff', '--json'], { env: { HOME: '/nonexistent' } });
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toContain('--json');
  });

  it('an unknown --format or entity names the choices', async () => {
    const format = await run(['diff', '--format', 'xml'], { env: { HOME: '/nonexistent' } });
    expect(format.exitCode).toBe(2);
    expect(format.stderr).toContain('ndjson, json, csv, html');
    const only = await run(['diff', '--only', 'users,people'], { env: { HOME: '/nonexistent' } });
    expect(only.exitCode).toBe(2);
    expect(only.stderr).toContain('"people"');
    expect(only.stderr).toContain('app_users');
  });

  it('no snapshot yet: exit 3 with what to do', async () => {
    const result = await run(['diff', '--output-dir', '/nonexistent/okta'], {
      env: { HOME: '/nonexistent' },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('no complete snapshot');
    // The hint names diff's own flags, never export's --snapshot.
    expect(result.stderr).toContain('--from <snapshot> --to <snapshot>');
    expect(result.stderr).not.toContain('--snapshot');
  });
});
