/**
 * A small validator for the OpenAPI 3.0 schema subset Okta's spec uses (type, nullable, enum,
 * properties, required, additionalProperties, items, allOf, anyOf, oneOf, format date-time,
 * min/maxLength, minimum/maximum, pattern). Enough to check the sample org's responses; no
 * dependency needed.
 *
 * `oneOf` is checked as "at least one": Okta's branches overlap (none forbids extra properties),
 * so a strict "exactly one" would reject valid Okta responses too.
 */
import { readFileSync } from 'node:fs';

export interface SchemaFixture {
  $comment: string;
  openapiVersion: string;
  discriminators: Record<string, { propertyName: string; mapping: Record<string, string> }>;
  schemas: Record<string, Schema>;
}

export interface Schema {
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

export function loadSchemas(): SchemaFixture {
  return JSON.parse(
    readFileSync(new URL('../fixtures/okta-openapi/schemas.json', import.meta.url), 'utf8'),
  ) as SchemaFixture;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Returns the problems found, as `path: message`; an empty list means valid. */
export function validate(schema: Schema, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  if (value === null) {
    if (schema.nullable || schema.type === undefined) return errors;
    return [`${path}: null is not allowed`];
  }
  for (const part of schema.allOf ?? []) errors.push(...validate(part, value, path));
  for (const [keyword, branches] of [
    ['anyOf', schema.anyOf],
    ['oneOf', schema.oneOf],
  ] as const) {
    if (branches && !branches.some((branch) => validate(branch, value, path).length === 0)) {
      errors.push(`${path}: matches no ${keyword} branch`);
    }
  }
  const actual = typeOf(value);
  if (schema.type && schema.type !== actual && !(schema.type === 'number' && actual === 'integer')) {
    return [...errors, `${path}: expected ${schema.type}, got ${actual}`];
  }
  if (schema.enum && !schema.enum.includes(value))
    errors.push(`${path}: ${JSON.stringify(value)} is not in the enum`);
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength)
      errors.push(`${path}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && length > schema.maxLength)
      errors.push(`${path}: longer than ${schema.maxLength}`);
    if (schema.format === 'date-time' && !DATE_TIME.test(value)) errors.push(`${path}: not a date-time`);
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value))
      errors.push(`${path}: does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      errors.push(`${path}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      errors.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, index) => {
      errors.push(...validate(schema.items as Schema, item, `${path}[${index}]`));
    });
  }
  if (actual === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in record)) errors.push(`${path}: missing required ${key}`);
    }
    for (const [key, item] of Object.entries(record)) {
      const property = schema.properties?.[key];
      if (property) errors.push(...validate(property, item, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected property ${key}`);
      else if (typeof schema.additionalProperties === 'object') {
        errors.push(...validate(schema.additionalProperties, item, `${path}.${key}`));
      }
    }
  }
  return errors;
}

/** Validates against a named root, following a discriminator (Application → SamlApplication, …). */
export function validateAs(fixture: SchemaFixture, name: string, value: unknown): string[] {
  const discriminator = fixture.discriminators[name];
  let root = name;
  if (discriminator) {
    const tag = (value as Record<string, unknown>)[discriminator.propertyName];
    const mapped = discriminator.mapping[String(tag)];
    if (!mapped) return [`$: ${discriminator.propertyName} ${String(tag)} has no mapping`];
    root = mapped;
  }
  const schema = fixture.schemas[root];
  if (!schema) return [`no schema named ${root} in the fixture`];
  return validate(schema, value).map((error) => `${root} ${error}`);
}
