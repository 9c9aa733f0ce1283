import { describe, expect, it } from 'vitest';
import { parseCron, parseSchedule } from '../../src/config/schedule.js';
import { ExitCode, UsageError } from '../../src/errors.js';

function failure(input: string): UsageError {
  try {
    parseCron(input);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.Usage);
    return error as UsageError;
  }
  throw new Error(`"${input}" was accepted`);
}

describe('parseCron', () => {
  it('expands *, lists, ranges, steps and names', () => {
    const cron = parseCron('*/15 8-18/5 1,15,31 jan-mar,DEC mon-fri');
    expect(cron.expression).toBe('*/15 8-18/5 1,15,31 jan-mar,DEC mon-fri');
    expect(cron.minute.values).toEqual([0, 15, 30, 45]);
    expect(cron.hour.values).toEqual([8, 13, 18]);
    expect(cron.dayOfMonth.values).toEqual([1, 15, 31]);
    expect(cron.month.values).toEqual([1, 2, 3, 12]);
    expect(cron.dayOfWeek.values).toEqual([1, 2, 3, 4, 5]);
    expect(cron.minute.star).toBe(true);
    expect(cron.dayOfMonth.star).toBe(false);
  });

  it('reads 7 as Sunday and ranges ending on 7', () => {
    expect(parseCron('0 0 * * 7').dayOfWeek.values).toEqual([0]);
    expect(parseCron('0 0 * * 5-7').dayOfWeek.values).toEqual([0, 5, 6]);
    expect(parseCron('0 0 * * sat,sun').dayOfWeek.values).toEqual([0, 6]);
  });

  it('takes the shorthands and @ aliases', () => {
    expect(parseCron('daily').expression).toBe('0 0 * * *');
    expect(parseCron('@Hourly').expression).toBe('0 * * * *');
    expect(parseCron('weekly').dayOfWeek.values).toEqual([0]);
  });

  it('normalises whitespace', () => {
    expect(parseCron('  30\t2  * *   * ').expression).toBe('30 2 * * *');
  });

  it.each([
    ['0 2 * * * *', /6 fields; cron needs 5 \(a seconds or year field/],
    ['0 2 * *', /4 fields/],
    ['60 * * * *', /minute 60 is out of range 0-59 in the minute field \(field 1 of 5, "60"\)/],
    ['0 7,24 * * *', /hour 24 is out of range 0-23 in the hour field \(field 2 of 5, "7,24"\)/],
    ['0 0 32 * *', /day of month 32 .* \(field 3 of 5/],
    ['0 0 * 0 *', /month 0 is out of range 1-12 .* \(field 4 of 5/],
    ['0 0 * * 8', /day of week 8 is out of range 0-7 .* \(field 5 of 5/],
    ['0 0 * foo *', /"foo" is not a valid month .*; use 1-12, or jan-dec/],
    ['0 0 * * monday', /"monday" is not a valid day of week .* or sun-sat/],
    ['*/0 * * * *', /step in "\*\/0" must be at least 1/],
    ['*/61 * * * *', /at most 60/],
    ['*/x * * * *', /step in "\*\/x" must be a whole number/],
    ['*/ * * * *', /"\*\/" is not a valid minute/],
    ['1-5/2/3 * * * *', /"1-5\/2\/3" is not a valid minute/],
    ['5/15 * * * *', /needs a range before the step .* write "5-59\/15"/],
    ['0 1,,2 * * *', /empty list item in the hour field/],
    ['0 1- * * *', /"1-" is not a valid hour/],
    ['0 5-1 * * *', /range "5-1" goes backwards in the hour field/],
    ['0 0 * * fri-mon', /goes backwards/],
    ['0 0 30 2 *', /never runs: no month .* has day 30/],
    ['0 0 31 apr,jun *', /never runs/],
    ['@reboot', /"@reboot" is not supported/],
    ['@monthly', /"@monthly" is not supported/],
    ['  ', /empty/],
  ])('rejects %j', (input, message) => {
    const error = failure(input);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/hourly, daily, weekly/);
  });

  it('accepts a day that exists in some listed month, or when the day of week also decides', () => {
    expect(parseCron('0 0 31 apr,may *').month.values).toEqual([4, 5]);
    expect(parseCron('0 0 29 2 *').dayOfMonth.values).toEqual([29]);
    expect(parseCron('0 0 30 2 mon').dayOfWeek.values).toEqual([1]);
  });
});

describe('parseSchedule stays compatible', () => {
  it('keeps shorthands and returns the normalised expression', () => {
    expect(parseSchedule('@daily')).toBe('daily');
    expect(parseSchedule(' 0  6 * * 1-5 ')).toBe('0 6 * * 1-5');
  });
});
