import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  decodeSchtasksOutput,
  parseTaskXml,
  schtasksCreateArgs,
  schtasksDeleteArgs,
  schtasksQueryArgs,
  schtasksTrigger,
  splitWindowsCommandLine,
  taskName,
  windowsCommandLine,
  windowsQuote,
} from '../../src/schedule/schtasks.js';

const NODE = 'C:\\Program Files\\nodejs\\node.exe';
const CLI = 'C:\\Users\\Jo Doe\\AppData\\Roaming\\npm\\node_modules\\okta-connector\\bin\\okta-connector.js';
const LOG = 'C:\\Users\\Jo Doe\\okta-inventory\\default\\sync.log';
const ARGV = [NODE, CLI, '--profile', 'default', 'sync', '--quiet', '--log-file', LOG, '--incremental'];

describe('windowsQuote', () => {
  it.each([
    ['plain', 'plain'],
    ['C:\\Program Files\\nodejs\\node.exe', '"C:\\Program Files\\nodejs\\node.exe"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\dir with space\\', '"C:\\dir with space\\\\"'],
    ['a\\\\"b', '"a\\\\\\\\\\"b"'],
    ['C:\\no\\spaces\\x.js', 'C:\\no\\spaces\\x.js'],
  ])('quotes %j as %j and splits back', (argument, quoted) => {
    expect(windowsQuote(argument)).toBe(quoted);
    expect(splitWindowsCommandLine(`x ${quoted} y`)).toEqual(['x', argument, 'y']);
  });
});

describe('schtasksCreateArgs', () => {
  it('builds the argument array with /TR quoted for paths with spaces', () => {
    expect(schtasksCreateArgs({ profile: 'default', argv: ARGV, cron: 'daily' })).toEqual([
      '/Create',
      '/TN',
      'okta-connector-default',
      '/TR',
      `"${NODE}" "${CLI}" --profile default sync --quiet --log-file "${LOG}" --incremental`,
      '/SC',
      'DAILY',
      '/ST',
      '00:00',
      '/F',
    ]);
  });

  it('gives /TR that Task Scheduler splits back into the same words', () => {
    const [, , , , taskRun] = schtasksCreateArgs({ profile: 'default', argv: ARGV, cron: '30 2 * * *' });
    expect(splitWindowsCommandLine(taskRun!)).toEqual(ARGV);
  });

  it('prints as one cmd.exe line with the quotes of /TR escaped', () => {
    const args = schtasksCreateArgs({ profile: 'default', argv: ARGV, cron: 'daily' });
    expect(`schtasks ${windowsCommandLine(args)}`).toBe(
      `schtasks /Create /TN okta-connector-default /TR "\\"${NODE}\\" \\"${CLI}\\" --profile default sync --quiet --log-file \\"${LOG}\\" --incremental" /SC DAILY /ST 00:00 /F`,
    );
  });

  it('refuses a /TR longer than schtasks takes', () => {
    const long = [...ARGV.slice(0, 7), `C:\\${'x'.repeat(200)}\\sync.log`];
    expect(() => schtasksCreateArgs({ profile: 'default', argv: long, cron: 'daily' })).toThrow(
      /at most 261/,
    );
  });

  it('names the task after the profile, for query and delete too', () => {
    expect(taskName('sandbox')).toBe('okta-connector-sandbox');
    expect(schtasksQueryArgs('sandbox')).toEqual(['/Query', '/TN', 'okta-connector-sandbox', '/XML']);
    expect(schtasksDeleteArgs('sandbox')).toEqual(['/Delete', '/TN', 'okta-connector-sandbox', '/F']);
  });
});

describe('schtasksTrigger', () => {
  it.each([
    ['hourly', ['/SC', 'HOURLY', '/MO', '1', '/ST', '00:00']],
    ['daily', ['/SC', 'DAILY', '/ST', '00:00']],
    ['weekly', ['/SC', 'WEEKLY', '/D', 'SUN', '/ST', '00:00']],
    ['30 2 * * *', ['/SC', 'DAILY', '/ST', '02:30']],
    ['5 6 * * mon-fri', ['/SC', 'WEEKLY', '/D', 'MON,TUE,WED,THU,FRI', '/ST', '06:05']],
    ['0 6 * * 7', ['/SC', 'WEEKLY', '/D', 'SUN', '/ST', '06:00']],
    ['*/15 * * * *', ['/SC', 'MINUTE', '/MO', '15', '/ST', '00:00']],
    ['* * * * *', ['/SC', 'MINUTE', '/MO', '1', '/ST', '00:00']],
    ['45 */6 * * *', ['/SC', 'HOURLY', '/MO', '6', '/ST', '00:45']],
    ['10 1-23/2 * * *', ['/SC', 'HOURLY', '/MO', '2', '/ST', '01:10']],
    ['0 3 1 * *', ['/SC', 'MONTHLY', '/D', '1', '/ST', '03:00']],
    ['0 3 15 jan,jul *', ['/SC', 'MONTHLY', '/D', '15', '/M', 'JAN,JUL', '/ST', '03:00']],
  ])('maps %j', (cron, args) => {
    expect(schtasksTrigger(cron)).toEqual(args);
  });

  it.each([
    ['*/7 * * * *', /minute field must be one minute, or "\*\/N" with N dividing 60/],
    ['0,20 9 * * *', /minute field/],
    ['0,30 9 * * *', /every N minutes must run at every hour/],
    ['0 9-17 * * *', /hour field must be one hour/],
    ['0 */5 * * *', /hour field/],
    ['*/15 9 * * *', /every N minutes must run at every hour/],
    ['0 */2 * * mon', /every N hours must run every day/],
    ['0 3 13 * fri', /both the day of month and the day of week/],
    ['0 3 * jan mon', /weekly schedule cannot be limited to some months/],
    ['0 3 1,15 * *', /one day of the month/],
  ])('refuses %j, saying what to do', (cron, message) => {
    const error = (() => {
      try {
        schtasksTrigger(cron);
      } catch (caught) {
        return caught as UsageError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/Register-ScheduledTask/);
  });
});

function taskXml(triggers: string, settings = '<Enabled>true</Enabled>'): string {
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><URI>\\okta-connector-default</URI></RegistrationInfo>
  <Triggers>${triggers}</Triggers>
  <Settings><IdleSettings><StopOnIdleEnd>true</StopOnIdleEnd></IdleSettings>${settings}</Settings>
  <Actions Context="Author">
    <Exec>
      <Command>"${NODE}"</Command>
      <Arguments>"${CLI}" --profile default sync --quiet --log-file "${LOG}" --incremental</Arguments>
    </Exec>
  </Actions>
</Task>`;
}

describe('parseTaskXml', () => {
  it.each([
    [
      '<CalendarTrigger><StartBoundary>2026-03-10T02:30:00</StartBoundary><Enabled>true</Enabled><ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay></CalendarTrigger>',
      '30 2 * * *',
    ],
    [
      '<CalendarTrigger><StartBoundary>2026-03-10T06:05:00</StartBoundary><ScheduleByWeek><DaysOfWeek><Monday /><Wednesday /><Friday /></DaysOfWeek><WeeksInterval>1</WeeksInterval></ScheduleByWeek></CalendarTrigger>',
      '5 6 * * 1,3,5',
    ],
    [
      '<CalendarTrigger><StartBoundary>2026-03-10T03:00:00</StartBoundary><ScheduleByMonth><DaysOfMonth><Day>15</Day></DaysOfMonth><Months><January /><July /></Months></ScheduleByMonth></CalendarTrigger>',
      '0 3 15 1,7 *',
    ],
    [
      '<TimeTrigger><Repetition><Interval>PT15M</Interval><StopAtDurationEnd>false</StopAtDurationEnd></Repetition><StartBoundary>2026-03-10T00:00:00</StartBoundary></TimeTrigger>',
      '*/15 * * * *',
    ],
    [
      '<TimeTrigger><Repetition><Interval>PT1H</Interval></Repetition><StartBoundary>2026-03-10T00:00:00</StartBoundary></TimeTrigger>',
      '0 * * * *',
    ],
    [
      '<TimeTrigger><Repetition><Interval>PT2H</Interval></Repetition><StartBoundary>2026-03-10T01:10:00</StartBoundary></TimeTrigger>',
      '10 1-23/2 * * *',
    ],
    [
      '<CalendarTrigger><StartBoundary>2026-03-10T03:00:00</StartBoundary><ScheduleByDay><DaysInterval>3</DaysInterval></ScheduleByDay></CalendarTrigger>',
      null,
    ],
    ['<LogonTrigger><Enabled>true</Enabled></LogonTrigger>', null],
  ])('reads the trigger %#', (trigger, cron) => {
    const task = parseTaskXml(taskXml(trigger));
    expect(task.cron).toBe(cron);
    expect(task.argv).toEqual(ARGV);
    expect(task.enabled).toBe(true);
  });

  it('sees a disabled task and decodes entities', () => {
    const xml = taskXml(
      '<CalendarTrigger><StartBoundary>2026-03-10T02:30:00</StartBoundary><ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay></CalendarTrigger>',
      '<Enabled>false</Enabled>',
    ).replace('--quiet', '--log-file &quot;C:\\R&amp;D\\x.log&quot;');
    const task = parseTaskXml(xml);
    expect(task.enabled).toBe(false);
    expect(task.argv).toContain('C:\\R&D\\x.log');
  });

  it('decodes UTF-16 and UTF-8 output', () => {
    const xml = taskXml('');
    expect(
      decodeSchtasksOutput(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')])),
    ).toBe(xml);
    expect(decodeSchtasksOutput(Buffer.from(xml, 'utf16le'))).toBe(xml);
    expect(decodeSchtasksOutput(Buffer.from(xml, 'utf8'))).toBe(xml);
  });
});
