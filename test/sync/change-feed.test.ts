import { describe, expect, it } from 'vitest';
import type { OktaLogEvent } from '../../src/okta/resources.js';
import { ALL_APPS, ChangeFeed, pairKey } from '../../src/sync/change-feed.js';

const event = (eventType: string, targets: [string, string][], result: string = 'SUCCESS'): OktaLogEvent => ({
  published: '2026-11-01T00:00:00.000Z',
  eventType,
  target: targets.map(([type, id]) => ({ type, id })),
  outcome: { result },
});

describe('the change feed', () => {
  it('names the apps an app event names with each user, or every app when it names none', () => {
    const feed = new ChangeFeed();
    feed.add(
      event('application.user_membership.add', [
        ['User', 'u1'],
        ['AppInstance', 'a1'],
      ]),
    );
    feed.add(
      event('application.user_membership.change_username', [
        ['User', 'u1'],
        ['AppInstance', 'a2'],
      ]),
    );
    feed.add(event('application.provision.user.sync', [['User', 'u2']]));
    expect(feed.appUsers.get('u1')).toEqual(new Set(['a1', 'a2']));
    expect(feed.appUsers.get('u2')).toBe(ALL_APPS);
  });

  it('takes a pair as removed only when every event of it was a successful removal', () => {
    const feed = new ChangeFeed();
    const remove = (user: string, app: string, result?: string) =>
      feed.add(
        event(
          'application.user_membership.remove',
          [
            ['User', user],
            ['AppInstance', app],
          ],
          result,
        ),
      );
    const add = (user: string, app: string) =>
      feed.add(
        event('application.user_membership.add', [
          ['User', user],
          ['AppInstance', app],
        ]),
      );
    remove('u1', 'a1');
    remove('u2', 'a1');
    add('u2', 'a1');
    add('u3', 'a1');
    remove('u3', 'a1');
    remove('u4', 'a1', 'FAILURE');
    expect(feed.removedOnly).toEqual(new Set([pairKey('a1', 'u1')]));
  });

  it('takes a membership as removed only when every event of it was a successful removal', () => {
    const feed = new ChangeFeed();
    feed.add(
      event('group.user_membership.remove', [
        ['User', 'u1'],
        ['UserGroup', 'g1'],
      ]),
    );
    feed.add(
      event('group.user_membership.remove', [
        ['User', 'u2'],
        ['UserGroup', 'g1'],
      ]),
    );
    feed.add(
      event('group.user_membership.add', [
        ['User', 'u2'],
        ['UserGroup', 'g1'],
      ]),
    );
    expect(feed.membershipRemovedOnly).toEqual(new Set([pairKey('g1', 'u1')]));
    expect(feed.membershipUsers.get('u2')).toEqual(new Set(['g1']));
  });

  it('names the groups a role was granted to or revoked from; an iam event or a nameless grant reads every group roles', () => {
    const feed = new ChangeFeed();
    expect(feed.add(event('group.privilege.grant', [['UserGroup', 'g1']]))).toBe(true);
    feed.add(event('group.privilege.revoke', [['UserGroup', 'g2']]));
    expect(feed.privilegeGroups).toEqual(new Set(['g1', 'g2']));
    expect(feed.allGroupRoles).toBe(false);
    const roles = new ChangeFeed();
    expect(roles.add(event('iam.role.update', [['CUSTOM_ROLE', 'cr1']]))).toBe(true);
    expect(roles.allGroupRoles).toBe(true);
    const nameless = new ChangeFeed();
    nameless.add(event('group.privilege.grant', []));
    expect(nameless.allGroupRoles).toBe(true);
  });
});
