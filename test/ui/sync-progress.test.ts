import { describe, expect, it } from 'vitest';
import { formatDuration, type ProgressClock, SyncProgress } from '../../src/ui/sync-progress.js';

/** A clock that moves only when told, with the intervals it holds run as time passes. */
function manualClock(start = 1_000_000): ProgressClock & { advance(ms: number): void } {
  let now = start;
  const timers = new Map<number, { callback: () => void; every: number; next: number }>();
  let id = 0;
  return {
    now: () => now,
    setInterval(callback, ms) {
      timers.set(++id, { callback, every: ms, next: now + ms });
      return id;
    },
    clearInterval(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.values()]
          .filter((timer) => timer.next <= end)
          .sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.every;
        due.callback();
      }
      now = end;
    },
  };
}

describe('sync progress without a terminal and in the log file', () => {
  it('writes a line at least every 10 s while the run works or waits, with counts, totals and the wait', () => {
    const clock = manualClock();
    const lines: { at: number; text: string }[] = [];
    const logged: string[] = [];
    const progress = new SyncProgress({
      line: (text) => lines.push({ at: clock.now(), text }),
      logLine: (text) => logged.push(text),
      totals: { app_users: 15_538 },
      clock,
    });
    progress.start();
    progress.progress({ entity: 'users', count: 2_000, state: 'done' });
    progress.progress({ entity: 'app_users', count: 12_820, state: 'running' });
    progress.wait('/api/v1/apps', 58_000);
    // A throttled minute with no progress event at all.
    clock.advance(60_000);
    progress.stop();
    clock.advance(60_000);

    expect(lines[0]!.text).toBe('users: 2,000 records');
    const times = [clock.now() - 120_000, ...lines.map((line) => line.at)];
    for (let index = 1; index < times.length; index++) {
      expect(times[index]! - times[index - 1]!).toBeLessThanOrEqual(10_000);
    }
    expect(lines.length).toBe(7);
    expect(lines[1]!.text).toBe(
      '… 10 s: app_users 12,820 of ~15,538; 1 of 2 done; waiting 48 s for the /api/v1/apps rate limit',
    );
    expect(lines[5]!.text).toBe(
      '… 50 s: app_users 12,820 of ~15,538; 1 of 2 done; waiting 8 s for the /api/v1/apps rate limit',
    );
    // The wait is over: no countdown left, the count still there.
    expect(lines[6]!.text).toBe('… 1 min 00 s: app_users 12,820 of ~15,538; 1 of 2 done');
    expect(logged).toStrictEqual(lines.map((line) => line.text));
  });

  it('a run that makes progress still gets its status line every 10 s', () => {
    const clock = manualClock();
    const lines: string[] = [];
    const progress = new SyncProgress({ line: (text) => lines.push(text), clock });
    progress.start();
    for (let second = 1; second <= 25; second++) {
      clock.advance(1_000);
      progress.progress({ entity: 'users', count: second * 200, state: 'running' });
    }
    progress.stop();
    expect(lines).toStrictEqual(['… 10 s: users 1,800', '… 20 s: users 3,800']);
  });
});

describe('sync progress on a terminal', () => {
  it('counts a wait down every second, and another entity’s progress does not clear it', () => {
    const clock = manualClock();
    const frames: string[] = [];
    const progress = new SyncProgress({
      spinner: { update: (text) => frames.push(text) },
      totals: { app_users: 15_538 },
      clock,
    });
    progress.start();
    progress.progress({ entity: 'app_users', count: 12_820, state: 'running' });
    progress.wait('/api/v1/apps', 3_000);
    expect(frames.at(-1)).toBe(
      'Syncing: app_users 12,820 of ~15,538 (waiting 3 s for the /api/v1/apps rate limit)',
    );
    clock.advance(1_000);
    expect(frames.at(-1)).toBe(
      'Syncing: app_users 12,820 of ~15,538 (waiting 2 s for the /api/v1/apps rate limit)',
    );
    progress.progress({ entity: 'groups', count: 60, state: 'done' });
    expect(frames.at(-1)).toBe(
      'Syncing: app_users 12,820 of ~15,538 · groups 60 ✓ (waiting 2 s for the /api/v1/apps rate limit)',
    );
    clock.advance(2_000);
    expect(frames.at(-1)).toBe('Syncing: app_users 12,820 of ~15,538 · groups 60 ✓');
    progress.stop();
    const count = frames.length;
    clock.advance(5_000);
    expect(frames.length).toBe(count);
  });

  it('writes no plain line on a terminal', () => {
    const clock = manualClock();
    const frames: string[] = [];
    const progress = new SyncProgress({ spinner: { update: (text) => frames.push(text) }, clock });
    progress.start();
    progress.progress({ entity: 'users', count: 1, state: 'done' });
    clock.advance(30_000);
    progress.stop();
    expect(frames.every((frame) => frame.startsWith('Syncing: '))).toBe(true);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [400, '1 s'],
    [59_000, '59 s'],
    [60_000, '1 min 00 s'],
    [125_000, '2 min 05 s'],
    [3_720_000, '1 h 02 min'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
