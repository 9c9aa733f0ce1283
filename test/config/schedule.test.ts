import { describe, expect, it } from 'vitest';
import { parseSchedule, scheduleToCron } from '../../src/config/schedule.js';
import { ExitCode, UsageError } from '../../src/errors.js';

describe('parseSchedule', () => {
  it.each([
    ['daily', 'daily'],
    ['Hourly', 'hourly'],
    ['@weekly', 'weekly'],
    ['30 2 * * *', '30 2 * * *'],
    ['  30   2 * *   *  ', '30 2 * * *'],
    ['*/15 8-18 * * mon-fri', '*/15 8-18 * * mon-fri'],
    ['0 0 1,15 jan-jun 0', '0 0 1,15 jan-jun 0'],
    ['0 6 * * 7', '0 6 * * 7'],
    ['0 0-23/2 * * *', '0 0-23/2 * * *'],
  ])('accepts %j as %j', (input, stored) => {
    expect(parseSchedule(input)).toBe(stored);
  });

  it.each([
    ['', /empty/],
    ['0 2 * *', /4 fields; cron needs 5/],
    ['0 2 * * * *', /6 fields/],
    ['61 * * * *', /minute 61 is out of range 0-59/],
    ['0 24 * * *', /hour 24 is out of range 0-23/],
    ['0 0 0 * *', /day of month 0 is out of range 1-31/],
    ['0 0 * 13 *', /month 13 is out of range 1-12/],
    ['0 0 * * 8', /day of week 8 is out of range 0-7/],
    ['0 0 * * funday', /"funday" is not a valid day of week/],
    ['*/0 * * * *', /step .* at least 1/],
    ['0 18-8 * * *', /goes backwards/],
    ['nightly', /1 field/],
  ])('rejects %j', (input, message) => {
    let error: unknown;
    try {
      parseSchedule(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(message);
    expect((error as UsageError).hint).toMatch(/hourly, daily, weekly/);
    expect((error as UsageError).exitCode).toBe(ExitCode.Usage);
  });
});

describe('scheduleToCron', () => {
  it('expands shorthands and keeps expressions', () => {
    expect(scheduleToCron('daily')).toBe('0 0 * * *');
    expect(scheduleToCron('30 2 * * *')).toBe('30 2 * * *');
  });
});
