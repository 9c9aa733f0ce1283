import { SampleAppAssignments } from './sample-org-app-assignments.js';
import { SampleApps } from './sample-org-apps.js';
import { SampleOrgCore, type SampleOrgDataOptions } from './sample-org-core.js';
import { SampleDevices } from './sample-org-devices.js';
import { SampleGroups } from './sample-org-groups.js';
import { SampleRoles } from './sample-org-roles.js';
import type { SampleOrgSize } from './sample-org-size.js';
import { SampleUsers } from './sample-org-users.js';

/**
 * The org's state, one part per entity around the seeded core: generated records are pure functions
 * of (seed, index) and are built only when asked for; what is stored is compact (typed arrays of
 * memberships and assignments) plus the overrides `mutate()` made. Shared by the HTTP routes and the
 * ground truth.
 */
export class SampleOrgStore extends SampleOrgCore {
  readonly users: SampleUsers;
  readonly groups: SampleGroups;
  readonly apps: SampleApps;
  readonly assignments: SampleAppAssignments;
  readonly devices: SampleDevices;
  readonly roles: SampleRoles;

  constructor(size: SampleOrgSize, seed: number, options: SampleOrgDataOptions = {}) {
    super(size, seed, options);
    this.users = new SampleUsers(this);
    this.groups = new SampleGroups(this, this.users, {
      appsCount: (group) => this.assignments.appsCount(group),
      hasAdminPrivilege: (group) => this.roles.groupHoldsRoles(group),
    });
    this.apps = new SampleApps(this);
    this.assignments = new SampleAppAssignments(this, this.users, this.groups, this.apps);
    this.devices = new SampleDevices(this, this.users);
    this.roles = new SampleRoles(this, this.users, this.groups);
  }
}
