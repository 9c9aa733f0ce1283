import { appGroupRow, appRow, appUserRow } from '../../inventory/entities.js';
import {
  listAppGroups,
  listApps,
  listAppUsers,
  listAppUsersOfUser,
  type OktaAppWithAppUser,
} from '../../okta/resources.js';
import { type AppUserRefreshPlan, keepsAppUserRow, planAppUserRefresh } from '../app-user-refresh.js';
import type { ChangeFeed } from '../change-feed.js';
import type { CollectContext } from '../collect-context.js';
import { firstSeen } from '../first-seen.js';
import { IdTable } from '../id-table.js';
import { idsOfLine } from '../leading-ids.js';
import { pageRepeats } from '../page-repeats.js';
import { runPool } from '../run-pool.js';
import { unlessDeleted } from '../unless-deleted.js';

type Row = Record<string, unknown>;

/**
 * apps, app_users and app_groups. Apps have no change filter; the list is short, so it is read in
 * full every time. Incremental: the refresh plan (app-user-refresh.ts) says which apps are listed
 * again in full and which users' rows are read again; every other row is the last run's.
 * `changedUsers` comes from readChangedUsers (read-changed-users.ts).
 */
export function appsTask(
  context: CollectContext,
  feed: ChangeFeed,
  changedUsers: ReadonlyMap<string, Row> | undefined,
): Promise<void> {
  const { client, incremental, fanOut } = context;
  return context.entityTask(
    ['apps', 'app_users', 'app_groups'],
    async () => {
      const appsWriter = context.wanted('apps') ? context.open('apps') : undefined;
      const appUsersWriter = context.wanted('app_users') ? context.open('app_users') : undefined;
      const appGroupsWriter = context.wanted('app_groups') ? context.open('app_groups') : undefined;
      const appIds: string[] = [];
      /** What the refresh plan needs of each app: its id and username template. */
      const appTemplates: Row[] = [];
      const seenApps = new IdTable();
      for await (const page of listApps(client, context.label('apps'))) {
        const apps = firstSeen(seenApps, page, (app) => app.id);
        for (const app of apps) {
          appIds.push(app.id);
          if (incremental) appTemplates.push({ id: app.id, credentials: app.credentials });
        }
        await appsWriter?.writeMany(apps.map(appRow));
      }
      /** Apps whose groups are (re)read now, and apps whose users are: all of them, or those that changed. */
      let reread = appIds;
      let listed = appIds;
      let plan: AppUserRefreshPlan | undefined;
      if (incremental) {
        plan = await planAppUserRefresh({
          client,
          base: incremental,
          feed,
          apps: appTemplates,
          changedUsers,
          fanOut,
          label: 'app_users',
        });
        const { rereadApps, listedApps } = plan;
        reread = appIds.filter((id) => rereadApps.has(id));
        listed = appIds.filter((id) => listedApps.has(id));
      }
      const rereadSet = new Set(reread);
      const listedSet = new Set(listed);
      const currentSet = new Set(appIds);
      /** A previous app-group row stays when its app still exists and is not read again. */
      const keep = (line: string) => {
        const [appId] = idsOfLine(line, ['appId']) as [string];
        return !rereadSet.has(appId) && currentSet.has(appId);
      };

      const appUsers = await context.dependentPart(appUsersWriter, async (writer) => {
        if (incremental && plan) {
          const kept = plan;
          for await (const lines of incremental.lines('app_users'))
            await writer.writeJsonLines(
              lines.filter((line) => {
                const [appId, userId] = idsOfLine(line, ['appId', 'userId']) as [string, string];
                return keepsAppUserRow(kept, currentSet, appId, userId);
              }),
            );
        }
        await runPool(listed, fanOut, async (appId) => {
          await unlessDeleted(async () => {
            const unrepeated = pageRepeats((appUser: { id: string }) => appUser.id);
            for await (const page of listAppUsers(client, appId, context.label('app_users'))) {
              const appUsers = unrepeated(page);
              await writer.writeMany(appUsers.map((appUser) => appUserRow(appId, appUser)));
            }
          });
        });
        // A refreshed user's rows in the apps not listed in full: one request per 200 of their apps.
        await runPool(plan?.refreshUsers ?? [], fanOut, async (userId) => {
          await unlessDeleted(async () => {
            const unrepeated = pageRepeats((app: OktaAppWithAppUser) => app.id);
            for await (const page of listAppUsersOfUser(client, userId, context.label('app_users'))) {
              const apps = unrepeated(page).filter((app) => currentSet.has(app.id) && !listedSet.has(app.id));
              await writer.writeMany(apps.map((app) => appUserRow(app.id, app._embedded.user)));
            }
          });
        });
      });
      const appGroups = await context.dependentPart(appGroupsWriter, async (writer) => {
        if (incremental)
          for await (const lines of incremental.lines('app_groups'))
            await writer.writeJsonLines(lines.filter(keep));
        await runPool(reread, fanOut, async (appId) => {
          await unlessDeleted(async () => {
            const seen = new IdTable();
            for await (const page of listAppGroups(client, appId, context.label('app_groups'))) {
              const appGroups = firstSeen(seen, page, (appGroup) => appGroup.id);
              await writer.writeMany(appGroups.map((appGroup) => appGroupRow(appId, appGroup)));
            }
          });
        });
      });
      return [appsWriter, appUsers, appGroups];
    },
    'apps',
  );
}
