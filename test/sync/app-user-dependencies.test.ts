import { describe, expect, it } from 'vitest';
import {
  AppUserDependencies,
  attributesOf,
  changedAttributes,
} from '../../src/sync/app-user-dependencies.js';

/** An Okta Expression Language placeholder such as `${source.login}` (literal text). */
const placeholder = (name: string) => `\${${name}}`;

describe('which user attributes an app user profile reads', () => {
  it('names the attributes of plain and composed expressions and of username templates', () => {
    expect(attributesOf('user.title')).toEqual(new Set(['title']));
    expect(attributesOf('user.firstName + " " + user.lastName')).toEqual(new Set(['firstName', 'lastName']));
    expect(attributesOf('String.substringBefore(user.email, "@")')).toEqual(new Set(['email']));
    expect(attributesOf(placeholder('source.login'))).toEqual(new Set(['login']));
    expect(attributesOf('"constant"')).toEqual(new Set());
  });

  it('takes an expression that reads beyond the profile to read everything', () => {
    expect(attributesOf('isMemberOfGroupName("Sales") ? "rep" : "none"')).toBe('any');
    expect(attributesOf('user.getInternalProperty("id")')).toBe('any');
    expect(attributesOf('getManagerUser("active_directory").email')).toBe('any');
    expect(attributesOf('appuser.role')).toBe('any');
  });

  it('an app is affected only by a change of an attribute it reads; its template counts', () => {
    const dependencies = new AppUserDependencies();
    dependencies.addApp({
      id: 'a',
      credentials: { userNameTemplate: { template: placeholder('source.email') } },
    });
    dependencies.addApp({ id: 'b' });
    expect(dependencies.affects('a', new Set(['email']))).toBe(true);
    expect(dependencies.affects('a', new Set(['login', 'title']))).toBe(false);
    // No template: Okta's default, ${source.login}.
    expect(dependencies.affects('b', new Set(['login']))).toBe(true);
    expect(dependencies.affects('b', new Set(['title']))).toBe(false);
    dependencies.mappingsRead = false;
    expect(dependencies.affects('b', new Set(['title']))).toBe(true);
    expect(dependencies.anyBeyondProfile).toBe(true);
  });

  it('compares two versions of a user attribute by attribute', () => {
    const before = { status: 'ACTIVE', profile: { title: 'A', tags: ['x'], gone: 1 } };
    const after = { status: 'SUSPENDED', profile: { title: 'A', tags: ['y'], added: 2 } };
    expect(changedAttributes(before, after)).toEqual(new Set(['tags', 'gone', 'added', 'status']));
    expect(changedAttributes(undefined, after)).toBe('any');
  });
});
