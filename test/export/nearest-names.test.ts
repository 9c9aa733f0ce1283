import { describe, expect, it } from 'vitest';
import { nearestNames } from '../../src/export/nearest-names.js';

const USER_FIELDS = [
  'id',
  'status',
  'lastLogin',
  'profile.email',
  'profile.secondEmail',
  'profile.bio',
  'profile.city',
  'profile.login',
];

describe('nearestNames', () => {
  it.each([
    ['profile.emial', ['profile.email']],
    ['statuss', ['status']],
    ['Status', ['status']],
    ['email', ['profile.email']],
    ['profile.logn', ['profile.login']],
    ['lastlogin', ['lastLogin']],
  ])('%s → %j', (name, expected) => {
    expect(nearestNames(name, USER_FIELDS)).toStrictEqual(expected);
  });

  it('suggests nothing when nothing is close', () => {
    expect(nearestNames('department', USER_FIELDS)).toStrictEqual([]);
    expect(nearestNames('x', [])).toStrictEqual([]);
  });
});
