import { describe, expect, it } from 'vitest';
import { parseCron } from '../../src/config/schedule.js';
import { nextRun } from '../../src/schedule/next-run.js';

const utc = (iso: string) => new Date(`${iso}Z`);
function next(expression: string, after: string): string | undefined {
  return nextRun(parseCron(expression), utc(after), { utc: true })?.toISOString().replace(':00.000Z', '');
}

describe('nextRun (UTC)', () => {
  it('finds the next minute strictly after the given time', () => {
    expect(next('* * * * *', '2026-03-10T10:15:00')).toBe('2026-03-10T10:16');
    expect(next('* * * * *', '2026-03-10T10:15:59')).toBe('2026-03-10T10:16');
    expect(next('15 10 * * *', '2026-03-10T10:15:00')).toBe('2026-03-11T10:15');
    expect(next('15 10 * * *', '2026-03-10T10:14:30')).toBe('2026-03-10T10:15');
  });

  it('handles the shorthands', () => {
    // 2026-03-10 is a Tuesday.
    expect(next('hourly', '2026-03-10T10:15:00')).toBe('2026-03-10T11:00');
    expect(next('daily', '2026-03-10T10:15:00')).toBe('2026-03-11T00:00');
    expect(next('weekly', '2026-03-10T10:15:00')).toBe('2026-03-15T00:00');
  });

  it('handles steps, ranges and lists across hour, day, month and year boundaries', () => {
    expect(next('*/20 * * * *', '2026-03-10T10:41:00')).toBe('2026-03-10T11:00');
    expect(next('30 8-18/5 * * *', '2026-03-10T18:31:00')).toBe('2026-03-11T08:30');
    expect(next('0 0 1 * *', '2026-12-15T00:00:00')).toBe('2027-01-01T00:00');
    expect(next('0 12 * jun,sep *', '2026-06-30T12:00:00')).toBe('2026-09-01T12:00');
  });

  it('restricts by both day fields with OR when both are restricted', () => {
    // The 13th, or any Friday: from Monday 2026-03-02 the first match is Friday 6 March.
    expect(next('0 0 13 * fri', '2026-03-02T00:00:00')).toBe('2026-03-06T00:00');
    // After Friday 13 March 2026 the next is Friday 20 March (before 13 April).
    expect(next('0 0 13 * fri', '2026-03-13T00:00:00')).toBe('2026-03-20T00:00');
  });

  it('restricts with AND when a day field starts with "*", even "*/2"', () => {
    // Odd days that are Mondays: after Monday 2 March comes Monday 9 March (OR would give Tuesday 3 March).
    expect(next('0 0 */2 * mon', '2026-03-02T01:00:00')).toBe('2026-03-09T00:00');
    expect(next('0 0 */2 * mon', '2026-03-09T01:00:00')).toBe('2026-03-23T00:00');
    // Only the day-of-week field restricted: Mondays.
    expect(next('0 0 * * mon', '2026-03-02T01:00:00')).toBe('2026-03-09T00:00');
    // Sunday as 7.
    expect(next('0 6 * * 7', '2026-03-10T00:00:00')).toBe('2026-03-15T06:00');
  });

  it('waits for 29 February', () => {
    expect(next('0 0 29 2 *', '2026-03-01T00:00:00')).toBe('2028-02-29T00:00');
    expect(next('0 0 29 2 *', '2096-03-01T00:00:00')).toBe('2104-02-29T00:00');
  });

  it('runs on a day that does not exist when the day of week is restricted too (OR)', () => {
    // 31 April never comes, but every Monday in April does.
    expect(next('0 0 31 4 mon', '2026-03-01T00:00:00')).toBe('2026-04-06T00:00');
  });

  it('returns null for a combination that never happens (parseCron refuses those, so built by hand)', () => {
    const never = { ...parseCron('0 0 30 2 mon'), dayOfWeek: parseCron('* * * * *').dayOfWeek };
    expect(nextRun(never, utc('2026-03-01T00:00:00'), { utc: true })).toBeNull();
  });
});

describe('nextRun (local time)', () => {
  it('reads the expression in the local time zone', () => {
    const after = new Date(2026, 5, 10, 9, 0); // 10 June, local
    const result = nextRun(parseCron('30 14 * * *'), after);
    expect(result).toEqual(new Date(2026, 5, 10, 14, 30));
  });
});
