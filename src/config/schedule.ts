import { UsageError } from '../errors.js';

/** Shorthands and the cron expressions they stand for (the same as cron's `@hourly`, `@daily`, `@weekly`). */
export const SCHEDULE_SHORTHANDS = {
  hourly: '0 * * * *',
  daily: '0 0 * * *',
  weekly: '0 0 * * 0',
} as const;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 7, names: WEEKDAYS },
] as const;

const HINT =
  'Use hourly, daily, weekly, or five cron fields "minute hour day-of-month month day-of-week", e.g. "30 2 * * *" for 02:30 every day.';

function fieldError(message: string): UsageError {
  return new UsageError(`Invalid schedule: ${message}.`, { hint: HINT });
}

function parseValue(text: string, field: (typeof FIELDS)[number]): number {
  const names: readonly string[] = 'names' in field ? field.names : [];
  const named = names.indexOf(text.toLowerCase());
  const offset = field.name === 'month' ? 1 : 0;
  const value = named >= 0 ? named + offset : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(value)) throw fieldError(`"${text}" is not a valid ${field.name}`);
  if (value < field.min || value > field.max) {
    throw fieldError(`${field.name} ${value} is out of range ${field.min}-${field.max}`);
  }
  return value;
}

function validateField(text: string, field: (typeof FIELDS)[number]): void {
  for (const item of text.split(',')) {
    const match = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!match) throw fieldError(`"${item}" is not a valid ${field.name}`);
    const [, range, step] = match;
    if (step !== undefined && Number(step) < 1) throw fieldError(`the step in "${item}" must be at least 1`);
    if (range === '*') continue;
    const [from, to, extra] = range!.split('-');
    if (extra !== undefined) throw fieldError(`"${item}" is not a valid ${field.name}`);
    const low = parseValue(from!, field);
    if (to !== undefined && parseValue(to, field) < low) {
      throw fieldError(`the range "${range}" in the ${field.name} field goes backwards`);
    }
  }
}

/**
 * Validates a schedule and returns it in its stored form: a lower-case shorthand (`daily`) or a
 * 5-field cron expression with single spaces. `@daily`-style aliases become the shorthand.
 * @throws UsageError saying which field is wrong.
 */
export function parseSchedule(input: string): string {
  const text = input.trim().replace(/\s+/g, ' ');
  const shorthand = text.toLowerCase().replace(/^@/, '');
  if (shorthand in SCHEDULE_SHORTHANDS) return shorthand;
  if (text === '') throw fieldError('it is empty');
  const parts = text.split(' ');
  if (parts.length !== 5) {
    throw fieldError(`"${text}" has ${parts.length} field${parts.length === 1 ? '' : 's'}; cron needs 5`);
  }
  parts.forEach((part, index) => {
    validateField(part, FIELDS[index]!);
  });
  return text;
}

/** The cron expression a stored schedule stands for. */
export function scheduleToCron(schedule: string): string {
  return SCHEDULE_SHORTHANDS[schedule as keyof typeof SCHEDULE_SHORTHANDS] ?? schedule;
}
