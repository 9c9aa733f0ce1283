import type { SampleOrgStore } from './sample-org-store.js';

export type UserSchemaDocument = Record<string, unknown> & {
  definitions: {
    base: Record<string, unknown>;
    custom: Record<string, unknown> & { properties: Record<string, Record<string, unknown>> };
  };
};

const selfReadWrite = [{ principal: 'SELF', action: 'READ_WRITE' }];
const selfReadOnly = [{ principal: 'SELF', action: 'READ_ONLY' }];

function attribute(
  title: string,
  type: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    title,
    type,
    mutability: 'READ_WRITE',
    scope: 'NONE',
    permissions: selfReadOnly,
    master: { type: 'PROFILE_MASTER' },
    ...extra,
  };
}

/**
 * `GET /api/v1/meta/schemas/user/default`: Okta's base attributes the sample org uses, and its custom
 * attributes — one of each type: string, integer, number, boolean, array of strings, a date-like string.
 * In this org lastName is optional (the "nulls" fixture user has none), as an admin can make it.
 */
export function buildUserSchema(store: SampleOrgStore): UserSchemaDocument {
  const created = new Date(store.t0 - 2_000 * 86_400_000).toISOString();
  const base = (title: string, extra: Record<string, unknown> = {}) => ({
    title,
    type: 'string',
    mutability: 'READ_WRITE',
    scope: 'NONE',
    permissions: selfReadWrite,
    master: { type: 'PROFILE_MASTER' },
    ...extra,
  });
  return {
    id: store.url('/meta/schemas/user/default'),
    $schema: 'http://json-schema.org/draft-04/schema#',
    name: 'user',
    title: 'Default Okta user',
    created,
    lastUpdated: created,
    definitions: {
      base: {
        id: '#base',
        type: 'object',
        properties: {
          login: base('Username', { required: true, minLength: 5, maxLength: 100 }),
          firstName: base('First name', { required: true, minLength: 1, maxLength: 50 }),
          lastName: base('Last name', { required: false, minLength: 1, maxLength: 50 }),
          email: base('Primary email', { required: true, format: 'email' }),
          secondEmail: base('Secondary email', { format: 'email' }),
          displayName: base('Display name'),
          nickName: base('Nickname'),
          title: base('Title'),
          department: base('Department'),
          division: base('Division'),
          organization: base('Organization'),
          employeeNumber: base('Employee number'),
          costCenter: base('Cost center'),
          managerId: base('ManagerId'),
          mobilePhone: base('Mobile phone', { maxLength: 100 }),
          primaryPhone: base('Primary phone', { maxLength: 100 }),
          streetAddress: base('Street address', { maxLength: 1024 }),
          city: base('City', { maxLength: 128 }),
          zipCode: base('Zip code', { maxLength: 50 }),
          countryCode: base('Country code', { format: 'country-code' }),
          timezone: base('Time zone', { format: 'timezone' }),
          locale: base('Locale', { format: 'locale' }),
          preferredLanguage: base('Preferred language', { format: 'language-code' }),
          userType: base('User type'),
        },
        required: ['login', 'firstName', 'email'],
      },
      custom: {
        id: '#custom',
        type: 'object',
        properties: {
          seatNumber: attribute('Seat number', 'integer', { minimum: 1 }),
          hourlyRate: attribute('Hourly rate', 'number'),
          isContractor: attribute('Contractor', 'boolean'),
          licenses: attribute('Licenses', 'array', { items: { type: 'string' }, union: 'DISABLE' }),
          startDate: attribute('Start date (YYYY-MM-DD)', 'string', { pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
          bio: attribute('Biography', 'string', { maxLength: 10_000 }),
        },
        required: [],
      },
    },
    type: 'object',
    properties: { profile: { allOf: [{ $ref: '#/definitions/base' }, { $ref: '#/definitions/custom' }] } },
    _links: { self: { href: store.url('/api/v1/meta/schemas/user/default') } },
  };
}
