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
  { key: 'minute', name: 'minute', min: 0, max: 59 },
  { key: 'hour', name: 'hour', min: 0, max: 23 },
  { key: 'dayOfMonth', name: 'day of month', min: 1, max: 31 },
  { key: 'month', name: 'month', min: 1, max: 12, names: MONTHS },
  { key: 'dayOfWeek', name: 'day of week', min: 0, max: 7, names: WEEKDAYS },
] as const;
type FieldSpec = (typeof FIELDS)[number];

/** Days in each month in a leap year: the most a day-of-month field can ever match. */
const MAX_DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const HINT =
  'Use hourly, daily, weekly, or five cron fields "minute hour day-of-month month day-of-week", e.g. "30 2 * * *" for 02:30 every day.';

function scheduleError(message: string): UsageError {
  return new UsageError(`Invalid schedule: ${message}.`, { hint: HINT });
}

/** One field of a cron expression, expanded. */
export interface CronField {
  /** The field as written, e.g. `*\/15` or `mon-fri`. */
  readonly text: string;
  /** Every value it matches, ascending (day of week: 0-6, Sunday is 0, a written 7 counts as 0). */
  readonly values: readonly number[];
  /**
   * The field starts with `*`. Cron decides the day by day of month OR day of week when both are
   * restricted, and by both (AND) when either starts with `*` (even `*\/2`), as Vixie cron and
   * cronie do; see crontab(5).
   */
  readonly star: boolean;
}

/** A validated 5-field cron expression. */
export interface CronExpression {
  /** The expression with single spaces. */
  readonly expression: string;
  readonly minute: CronField;
  readonly hour: CronField;
  readonly dayOfMonth: CronField;
  readonly month: CronField;
  readonly dayOfWeek: CronField;
}

function where(field: FieldSpec, index: number, text: string): string {
  return `in the ${field.name} field (field ${index + 1} of 5, "${text}")`;
}

function parseValue(text: string, field: FieldSpec, at: string): number {
  const names: readonly string[] = 'names' in field ? field.names : [];
  const named = names.indexOf(text.toLowerCase());
  const offset = field.key === 'month' ? 1 : 0;
  const value = named >= 0 ? named + offset : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(value)) {
    const allowed = names.length > 0 ? `, or ${names[0]}-${names.at(-1)}` : '';
    throw scheduleError(
      `"${text}" is not a valid ${field.name} ${at}; use ${field.min}-${field.max}${allowed}`,
    );
  }
  if (value < field.min || value > field.max) {
    throw scheduleError(`${field.name} ${value} is out of range ${field.min}-${field.max} ${at}`);
  }
  return value;
}

function parseField(text: string, index: number): CronField {
  const field = FIELDS[index]!;
  const at = where(field, index, text);
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw scheduleError(`an empty list item ${at}`);
    const [range, step, extra] = item.split('/');
    if (extra !== undefined || range === '' || step === '') {
      throw scheduleError(
        `"${item}" is not a valid ${field.name} ${at}; a step is written "*/15" or "0-30/5"`,
      );
    }
    let stepValue = 1;
    if (step !== undefined) {
      if (!/^\d+$/.test(step)) throw scheduleError(`the step in "${item}" must be a whole number ${at}`);
      stepValue = Number(step);
      const span = field.max - field.min + 1;
      if (stepValue < 1 || stepValue > span) {
        throw scheduleError(`the step in "${item}" must be at least 1 and at most ${span} ${at}`);
      }
    }
    let low: number;
    let high: number;
    if (range === '*') {
      low = field.min;
      high = field.max;
    } else {
      const [from, to, more] = range!.split('-');
      if (more !== undefined || from === '' || to === '') {
        throw scheduleError(`"${item}" is not a valid ${field.name} ${at}`);
      }
      low = parseValue(from!, field, at);
      high = to === undefined ? low : parseValue(to, field, at);
      if (high < low) throw scheduleError(`the range "${range}" goes backwards ${at}`);
      // Vixie cron (macOS) rejects "5/15"; cronie reads it as "5-59/15". Ask for the portable form.
      if (to === undefined && step !== undefined) {
        throw scheduleError(
          `"${item}" needs a range before the step ${at}; write "${from}-${field.max}/${step}"`,
        );
      }
    }
    for (let value = low; value <= high; value += stepValue) {
      values.add(field.key === 'dayOfWeek' ? value % 7 : value);
    }
  }
  return { text, values: [...values].sort((a, b) => a - b), star: text.startsWith('*') };
}

/** Refuses day-of-month/month combinations that never happen, such as `0 0 30 2 *`: cron would accept them and never run. */
function checkDayExists(fields: CronExpression): void {
  if (fields.dayOfMonth.star || !fields.dayOfWeek.star) return;
  const firstDay = fields.dayOfMonth.values[0]!;
  const possible = fields.month.values.some((month) => firstDay <= MAX_DAYS_IN_MONTH[month - 1]!);
  if (!possible) {
    throw scheduleError(
      `"${fields.expression}" never runs: no month in the month field (field 4) has day ${firstDay}`,
    );
  }
}

function splitFields(input: string): string[] {
  const text = input.trim().replace(/\s+/g, ' ');
  if (text === '') throw scheduleError('it is empty');
  if (text.startsWith('@')) {
    throw scheduleError(`"${text}" is not supported; of the @ forms only @hourly, @daily and @weekly are`);
  }
  const parts = text.split(' ');
  if (parts.length !== 5) {
    const extra = parts.length === 6 ? ' (a seconds or year field is not part of cron: drop it)' : '';
    throw scheduleError(
      `"${text}" has ${parts.length} field${parts.length === 1 ? '' : 's'}; cron needs 5${extra}`,
    );
  }
  return parts;
}

/**
 * Parses a schedule (a shorthand such as `daily`, `@daily`, or 5 cron fields with `*`, lists, ranges,
 * steps and the names `jan`-`dec`, `sun`-`sat`) into the values each field matches.
 * @throws UsageError naming the bad field and its position.
 */
export function parseCron(input: string): CronExpression {
  const shorthand = input.trim().toLowerCase().replace(/^@/, '');
  const text = shorthand in SCHEDULE_SHORTHANDS ? scheduleToCron(shorthand) : input;
  const parts = splitFields(text);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts.map((part, index) => parseField(part, index));
  const fields: CronExpression = {
    expression: parts.join(' '),
    minute: minute!,
    hour: hour!,
    dayOfMonth: dayOfMonth!,
    month: month!,
    dayOfWeek: dayOfWeek!,
  };
  checkDayExists(fields);
  return fields;
}

/**
 * Validates a schedule and returns it in its stored form: a lower-case shorthand (`daily`) or a
 * 5-field cron expression with single spaces. `@daily`-style aliases become the shorthand.
 * @throws UsageError saying which field is wrong.
 */
export function parseSchedule(input: string): string {
  const shorthand = input.trim().toLowerCase().replace(/^@/, '');
  if (shorthand in SCHEDULE_SHORTHANDS) return shorthand;
  return parseCron(input).expression;
}

/** The cron expression a stored schedule stands for. */
export function scheduleToCron(schedule: string): string {
  return SCHEDULE_SHORTHANDS[schedule as keyof typeof SCHEDULE_SHORTHANDS] ?? schedule;
}
