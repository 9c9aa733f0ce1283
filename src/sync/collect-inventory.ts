import { CollectContext, type CollectOptions, type CollectResult } from './collect-context.js';
import { adminRolesTask } from './tasks/admin-roles-task.js';
import { AppUsageTask } from './tasks/app-usage-task.js';
import { appsTask } from './tasks/apps-task.js';
import { devicesTask } from './tasks/devices-task.js';
import { GroupRolesHandoff } from './tasks/group-roles-handoff.js';
import { groupsTask } from './tasks/groups-task.js';
import { readChangedUsers } from './tasks/read-changed-users.js';
import { usersTask } from './tasks/users-task.js';

export type {
  CollectOptions,
  CollectProgress,
  CollectResult,
  EntityWarning,
  IncrementalBase,
  SkippedEntity,
} from './collect-context.js';

/**
 * Reads every selected entity from Okta and streams it into the snapshot's writers. Entities run
 * side by side so the run is bound by the slowest rate-limit bucket, not by the sum of them; the
 * client's scheduler keeps every bucket within its share. One task per entity (src/sync/tasks/),
 * around the shared CollectContext.
 *
 * Incremental: the System Log (from the last checkpoint) names deletions and changed apps, groups
 * come from their `lastUpdated` filter, users from a full list (cheap, and `lastLogin` has no
 * filter), and every other entity is the previous run's rows with the changes applied, so the
 * result equals what a full run reads at this moment while reading far less of the binding bucket.
 */
export async function collectInventory(options: CollectOptions): Promise<CollectResult> {
  const context = new CollectContext(options);
  const systemLog = new AppUsageTask(context);
  // Independent reads: the System Log's change events and the users whose lastUpdated moved.
  const [, changedUsers] = await Promise.all([
    context.incremental ? systemLog.readChangesFirst() : undefined,
    readChangedUsers(context),
  ]);
  const handoff = new GroupRolesHandoff(context);
  const { usageEvents } = systemLog;
  try {
    await Promise.all([
      usersTask(context),
      groupsTask(context, systemLog.feed, handoff),
      appsTask(context, systemLog.feed, changedUsers),
      adminRolesTask(context, handoff, systemLog.feed),
      devicesTask(context),
      systemLog.run(),
    ]);
    if (usageEvents) await usageEvents.close();
  } catch (error) {
    await Promise.allSettled([
      ...context.opened.map((shared) => shared.writer.abort()),
      usageEvents?.abort(),
    ]);
    throw error;
  }
  const { files, skipped, warnings } = context;
  for (const shared of context.opened) {
    if (skipped.some((entry) => entry.entity === shared.entity)) await shared.writer.abort();
  }
  return { files, skipped, warnings, logCheckpoint: systemLog.logCheckpoint };
}
