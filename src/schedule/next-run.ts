import type { CronExpression } from '../config/schedule.js';

export interface NextRunOptions {
  /**
   * Read the expression in UTC instead of the local time zone. Cron uses the machine's local time
   * (like Task Scheduler), so only tests and UTC servers want this. @default false
   */
  utc?: boolean;
}

/** Enough years to reach a 29 February that is 8 years away (2096 → 2104). */
const SEARCH_DAYS = 366 * 9;

function dayMatches(cron: CronExpression, dayOfMonth: number, dayOfWeek: number): boolean {
  const byMonthDay = cron.dayOfMonth.values.includes(dayOfMonth);
  const byWeekDay = cron.dayOfWeek.values.includes(dayOfWeek);
  // crontab(5): if both day fields are restricted (neither starts with "*"), either one may match.
  if (!cron.dayOfMonth.star && !cron.dayOfWeek.star) return byMonthDay || byWeekDay;
  return byMonthDay && byWeekDay;
}

/**
 * The first time strictly after `after` (to the minute) at which cron would start the job, or null
 * when it never does within nine years. A local time skipped by a daylight-saving change comes out
 * as the moment the clock jumps to, which is close to when cron catches up on it.
 */
export function nextRun(cron: CronExpression, after: Date, options: NextRunOptions = {}): Date | null {
  const utc = options.utc ?? false;
  const make = (year: number, month: number, day: number, hour: number, minute: number) =>
    utc ? new Date(Date.UTC(year, month, day, hour, minute)) : new Date(year, month, day, hour, minute);
  const earliest = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
  const start = new Date(earliest);
  // Walk calendar days on a UTC date, so daylight-saving changes never skip or repeat a day.
  const calendar = new Date(
    Date.UTC(
      utc ? start.getUTCFullYear() : start.getFullYear(),
      utc ? start.getUTCMonth() : start.getMonth(),
      utc ? start.getUTCDate() : start.getDate(),
    ),
  );
  for (let index = 0; index < SEARCH_DAYS; index++, calendar.setUTCDate(calendar.getUTCDate() + 1)) {
    const year = calendar.getUTCFullYear();
    const month = calendar.getUTCMonth();
    const day = calendar.getUTCDate();
    if (!cron.month.values.includes(month + 1)) continue;
    if (!dayMatches(cron, day, calendar.getUTCDay())) continue;
    // The day's last possible run is before `earliest`: no need to try its hours.
    if (make(year, month, day, 23, 59).getTime() < earliest) continue;
    for (const hour of cron.hour.values) {
      for (const minute of cron.minute.values) {
        const candidate = make(year, month, day, hour, minute);
        if (candidate.getTime() >= earliest) return candidate;
      }
    }
  }
  return null;
}
