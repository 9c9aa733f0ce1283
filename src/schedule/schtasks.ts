import { type CronExpression, type CronField, parseCron } from '../config/schedule.js';
import { UsageError } from '../errors.js';

/**
 * Windows Task Scheduler through `schtasks.exe`: the task for a profile, the command line it runs,
 * and the trigger a cron expression becomes. Pure functions; the command module runs schtasks.
 * https://learn.microsoft.com/windows-server/administration/windows-commands/schtasks-create
 */

/** The task of a profile: `okta-connector-<profile>` in the root folder of Task Scheduler. */
export function taskName(profile: string): string {
  return `okta-connector-${profile}`;
}

/**
 * Quotes one argument the way the Microsoft C runtime (and CommandLineToArgvW) reads it back:
 * in double quotes when it has spaces, tabs or quotes; backslashes doubled only before a quote.
 */
export function windowsQuote(argument: string): string {
  if (argument !== '' && !/[\s"]/.test(argument)) return argument;
  let quoted = '"';
  let backslashes = 0;
  for (const char of argument) {
    if (char === '\\') {
      backslashes++;
      continue;
    }
    quoted += char === '"' ? `${'\\'.repeat(backslashes * 2 + 1)}"` : `${'\\'.repeat(backslashes)}${char}`;
    backslashes = 0;
  }
  return `${quoted}${'\\'.repeat(backslashes * 2)}"`;
}

/** A command line from words, for `/TR` and for printing. */
export function windowsCommandLine(argv: string[]): string {
  return argv.map(windowsQuote).join(' ');
}

/** Splits a command line as CommandLineToArgvW does (the inverse of {@link windowsCommandLine}). */
export function splitWindowsCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (char === '\\') {
      let count = 0;
      while (line[index] === '\\') {
        count++;
        index++;
      }
      if (line[index] === '"') {
        word += '\\'.repeat(Math.floor(count / 2));
        if (count % 2 === 1) word += '"';
        else index--;
      } else {
        word += '\\'.repeat(count);
        index--;
      }
      inWord = true;
    } else if (char === '"') {
      if (quoted && line[index + 1] === '"') {
        word += '"';
        index++;
      } else quoted = !quoted;
      inWord = true;
    } else if ((char === ' ' || char === '\t') && !quoted) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** schtasks refuses a longer `/TR`. */
export const MAX_TASK_RUN_LENGTH = 261;

const DAY_CODES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_CODES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_ELEMENTS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_ELEMENTS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const TRIGGER_HINT =
  'Task Scheduler takes: hourly, daily, weekly, "M H * * *", "M H * * mon-fri", "M H D * *" (one day, any months), "*/N * * * *" or "M */N * * *" (N divides 60 or 24). For anything else, create the task with Register-ScheduledTask (see docs/scheduling.md).';

const pad = (value: number) => String(value).padStart(2, '0');

function isEvery(field: CronField, size: number): boolean {
  return field.values.length === size;
}

/** The step of a field matching `start, start+n, …` over the whole range with n dividing `size`, or undefined. */
function wholeCycleStep(field: CronField, size: number): number | undefined {
  const [first, second] = field.values;
  const step = second === undefined ? size : second - first!;
  if (size % step !== 0 || field.values.length !== size / step) return undefined;
  return field.values.every((value, index) => value === first! + index * step) ? step : undefined;
}

function unsupported(cron: CronExpression, reason: string): UsageError {
  return new UsageError(`Task Scheduler cannot run "${cron.expression}" through schtasks: ${reason}.`, {
    hint: TRIGGER_HINT,
  });
}

/**
 * The `/SC … /MO … /D … /M … /ST …` arguments for a cron expression, for the shapes one schtasks
 * trigger can express (everything `schedule install` offers as a shorthand, and the usual variants).
 * @throws UsageError naming what Task Scheduler cannot do, with the shapes it can.
 */
export function schtasksTrigger(input: CronExpression | string): string[] {
  const cron = typeof input === 'string' ? parseCron(input) : input;
  const { minute, hour, dayOfMonth, month, dayOfWeek } = cron;
  const everyDay = isEvery(dayOfMonth, 31) && isEvery(month, 12) && isEvery(dayOfWeek, 7);

  if (minute.values.length > 1) {
    const step = wholeCycleStep(minute, 60);
    if (step === undefined || minute.values[0] !== 0) {
      throw unsupported(cron, 'the minute field must be one minute, or "*/N" with N dividing 60');
    }
    if (!isEvery(hour, 24) || !everyDay) {
      throw unsupported(cron, 'a schedule every N minutes must run at every hour of every day');
    }
    return ['/SC', 'MINUTE', '/MO', String(step), '/ST', '00:00'];
  }
  const at = (hourValue: number) => `${pad(hourValue)}:${pad(minute.values[0]!)}`;

  if (hour.values.length > 1) {
    const step = wholeCycleStep(hour, 24);
    if (step === undefined) {
      throw unsupported(cron, 'the hour field must be one hour, or "*/N" with N dividing 24');
    }
    if (!everyDay) throw unsupported(cron, 'a schedule every N hours must run every day');
    return ['/SC', 'HOURLY', '/MO', String(step), '/ST', at(hour.values[0]!)];
  }
  const start = at(hour.values[0]!);

  if (everyDay) return ['/SC', 'DAILY', '/ST', start];
  const restrictedDays = !isEvery(dayOfWeek, 7);
  const restrictedDates = !isEvery(dayOfMonth, 31);
  if (restrictedDays && restrictedDates) {
    throw unsupported(cron, 'it restricts both the day of month and the day of week');
  }
  if (restrictedDays) {
    if (!isEvery(month, 12)) throw unsupported(cron, 'a weekly schedule cannot be limited to some months');
    return ['/SC', 'WEEKLY', '/D', dayOfWeek.values.map((day) => DAY_CODES[day]).join(','), '/ST', start];
  }
  if (dayOfMonth.values.length !== 1) {
    throw unsupported(cron, 'a monthly schedule takes one day of the month');
  }
  const months = isEvery(month, 12)
    ? []
    : ['/M', month.values.map((value) => MONTH_CODES[value - 1]).join(',')];
  return ['/SC', 'MONTHLY', '/D', String(dayOfMonth.values[0]), ...months, '/ST', start];
}

export interface SchtasksCreateOptions {
  profile: string;
  /** The words of the command the task runs (absolute program path first). */
  argv: string[];
  cron: CronExpression | string;
}

/**
 * The arguments of `schtasks` that create (or, with `/F`, replace) the task of a profile. The task
 * runs as the current user while they are logged on (no password is stored).
 * @throws UsageError when the schedule does not fit one trigger or `/TR` would be too long.
 */
export function schtasksCreateArgs(options: SchtasksCreateOptions): string[] {
  const taskRun = windowsCommandLine(options.argv);
  if (taskRun.length > MAX_TASK_RUN_LENGTH) {
    throw new UsageError(
      `The command for Task Scheduler is ${taskRun.length} characters; schtasks takes at most ${MAX_TASK_RUN_LENGTH}.`,
      {
        hint: 'Use a shorter --log-file (e.g. C:\\okta\\sync.log), or create the task with Register-ScheduledTask (see docs/scheduling.md), which has no such limit.',
      },
    );
  }
  return [
    '/Create',
    '/TN',
    taskName(options.profile),
    '/TR',
    taskRun,
    ...schtasksTrigger(options.cron),
    '/F',
  ];
}

export function schtasksQueryArgs(profile: string): string[] {
  return ['/Query', '/TN', taskName(profile), '/XML'];
}

export function schtasksDeleteArgs(profile: string): string[] {
  return ['/Delete', '/TN', taskName(profile), '/F'];
}

/** A task as `schtasks /Query /XML` describes it. */
export interface TaskDefinition {
  /** The program and its arguments, split into words. */
  argv: string[];
  /** The cron expression its one trigger stands for, or null when it has another shape (edited by hand). */
  cron: string | null;
  enabled: boolean;
}

/** schtasks writes its XML in UTF-16 on some systems and in the console code page on others. */
export function decodeSchtasksOutput(output: Buffer): string {
  const utf16 =
    (output[0] === 0xff && output[1] === 0xfe) || (output.length > 1 && output[1] === 0 && output[0] !== 0);
  return (utf16 ? output.toString('utf16le') : output.toString('utf8')).replace(/^\uFEFF/, '');
}

function decodeXml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
  return match ? match[1] : undefined;
}

function hasElement(xml: string, name: string): boolean {
  return new RegExp(`<${name}\\s*/>|<${name}(?:\\s[^>]*)?>`).test(xml);
}

/** A cron field for "every `step`, starting at `start`" over a whole cycle: `*`, `*\/15` or `5-59/15`. */
function cycle(start: number, step: number, max: number): string {
  if (step === 1) return '*';
  const first = start % step;
  return first === 0 ? `*/${step}` : `${first}-${max}/${step}`;
}

/** The cron expression of the one trigger schtasks made from {@link schtasksTrigger}, or null. */
function triggerToCron(triggers: string): string | null {
  const count = (triggers.match(/<(CalendarTrigger|TimeTrigger)[\s>]/g) ?? []).length;
  if (count !== 1) return null;
  const start = /<StartBoundary>[^T<]*T(\d\d):(\d\d)/.exec(triggers);
  if (!start) return null;
  const hour = Number(start[1]);
  const minute = Number(start[2]);
  const interval = /<Interval>PT(?:(\d+)H)?(?:(\d+)M)?<\/Interval>/.exec(
    element(triggers, 'Repetition') ?? '',
  );
  if (interval) {
    const every = Number(interval[1] ?? 0) * 60 + Number(interval[2] ?? 0);
    if (every > 0 && every < 60 && 60 % every === 0) {
      return `${cycle(minute, every, 59)} * * * *`;
    }
    const hours = every / 60;
    if (Number.isInteger(hours) && 24 % hours === 0) {
      return `${minute} ${cycle(hour, hours, 23)} * * *`;
    }
    return null;
  }
  const byDay = element(triggers, 'ScheduleByDay');
  if (byDay !== undefined) return element(byDay, 'DaysInterval') === '1' ? `${minute} ${hour} * * *` : null;
  const byWeek = element(triggers, 'ScheduleByWeek');
  if (byWeek !== undefined) {
    if ((element(byWeek, 'WeeksInterval') ?? '1') !== '1') return null;
    const days = DAY_ELEMENTS.flatMap((name, index) => (hasElement(byWeek, name) ? [index] : []));
    return days.length === 0 ? null : `${minute} ${hour} * * ${days.join(',')}`;
  }
  const byMonth = element(triggers, 'ScheduleByMonth');
  if (byMonth !== undefined) {
    const days = [...(element(byMonth, 'DaysOfMonth') ?? '').matchAll(/<Day>(\d+)<\/Day>/g)].map((m) => m[1]);
    const monthsXml = element(byMonth, 'Months') ?? '';
    const months = MONTH_ELEMENTS.flatMap((name, index) => (hasElement(monthsXml, name) ? [index + 1] : []));
    if (days.length === 0) return null;
    const monthField = months.length === 0 || months.length === 12 ? '*' : months.join(',');
    return `${minute} ${hour} ${days.join(',')} ${monthField} *`;
  }
  return null;
}

/** Reads what `schtasks /Query /TN <name> /XML` prints. */
export function parseTaskXml(xml: string): TaskDefinition {
  const exec = element(xml, 'Exec') ?? '';
  // schtasks keeps the quotes /TR put around a program path with spaces.
  const command = decodeXml(element(exec, 'Command')?.trim() ?? '').replace(/^"(.*)"$/, '$1');
  const args = decodeXml(element(exec, 'Arguments')?.trim() ?? '');
  let cron = triggerToCron(element(xml, 'Triggers') ?? '');
  if (cron !== null) {
    try {
      cron = parseCron(cron).expression;
    } catch {
      cron = null;
    }
  }
  const settings = element(xml, 'Settings') ?? '';
  // Settings/Enabled is the task's own switch (each trigger has one too).
  const enabled = !/<Enabled>false<\/Enabled>/.test(settings);
  return { argv: command === '' ? [] : [command, ...splitWindowsCommandLine(args)], cron, enabled };
}
