/** What the collector reports of one entity (structurally `CollectProgress` of src/sync/). */
export interface EntityProgress {
  entity: string;
  count: number;
  state: 'running' | 'done' | 'skipped';
}

/** The clock and timers of the reporter; tests inject their own and advance time by hand. */
export interface ProgressClock {
  now(): number;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const SYSTEM_CLOCK: ProgressClock = {
  now: () => Date.now(),
  setInterval: (callback, ms) => {
    const handle = setInterval(callback, ms);
    // The reporter never keeps a finished run alive.
    handle.unref?.();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface SyncProgressOptions {
  /** A terminal's spinner: its text is re-rendered on each event and every `tickMs` (the countdowns). */
  spinner?: { update(text: string): void } | undefined;
  /** Plain lines for stderr without a terminal (undefined on a terminal or with --quiet). */
  line?: ((text: string) => void) | undefined;
  /** The `--log-file` writer, which gets the same plain lines. */
  logLine?: ((text: string) => void) | undefined;
  /** Records per entity of the last complete run, shown as "of ~n" while an entity runs. */
  totals?: Readonly<Record<string, number>> | undefined;
  /** @default the system clock */
  clock?: ProgressClock;
  /** A plain line at least this often while the run works or waits. @default 10_000 */
  heartbeatMs?: number;
  /** How often the terminal's countdown is redrawn. @default 1_000 */
  tickMs?: number;
}

const count = (value: number) => value.toLocaleString('en-US');

/** `45 s`, `2 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * Shows a sync's progress so that a throttled run never looks hung. On a terminal: one spinner line
 * with every entity's count (against the last run's total where known: "app_users 12,820 of
 * ~15,538") and a countdown per rate-limit wait, redrawn every second; a wait stays shown until it is
 * over, whatever other entities report meanwhile. Without a terminal, and in the log file: a line when
 * an entity is done and, while the run works or waits, a status line at least every 10 seconds (the
 * entities still running with their counts, the bucket waited on and for how much longer).
 */
export class SyncProgress {
  readonly #options: SyncProgressOptions;
  readonly #clock: ProgressClock;
  readonly #entities = new Map<string, EntityProgress>();
  /** Rate-limit bucket → when its wait ends (clock ms). */
  readonly #waits = new Map<string, number>();
  readonly #startedAt: number;
  #lastLineAt: number;
  #timers: unknown[] = [];

  constructor(options: SyncProgressOptions) {
    this.#options = options;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#startedAt = this.#clock.now();
    this.#lastLineAt = this.#startedAt;
  }

  /** Starts the timers (heartbeat lines, terminal countdown). */
  start(): void {
    const { spinner, line, logLine } = this.#options;
    const heartbeatMs = this.#options.heartbeatMs ?? 10_000;
    if (line || logLine) {
      // Checked at a tenth of the period, so a line is never more than the period late.
      this.#timers.push(
        this.#clock.setInterval(
          () => {
            if (this.#clock.now() - this.#lastLineAt >= heartbeatMs) this.#plain(`… ${this.status()}`);
          },
          Math.max(1, Math.floor(heartbeatMs / 10)),
        ),
      );
    }
    if (spinner)
      this.#timers.push(this.#clock.setInterval(() => this.#render(), this.#options.tickMs ?? 1_000));
  }

  stop(): void {
    for (const timer of this.#timers) this.#clock.clearInterval(timer);
    this.#timers = [];
  }

  progress(progress: EntityProgress): void {
    const previous = this.#entities.get(progress.entity);
    this.#entities.set(progress.entity, { ...progress });
    if (progress.state === 'done' && previous?.state !== 'done') {
      this.#plain(`${progress.entity}: ${count(progress.count)} records`);
    }
    this.#render();
  }

  /** A rate-limit wait of `waitMs` on `bucket` starts now. */
  wait(bucket: string, waitMs: number): void {
    const until = this.#clock.now() + waitMs;
    if (until > (this.#waits.get(bucket) ?? 0)) this.#waits.set(bucket, until);
    this.#render();
  }

  /**
   * One line: elapsed time, each running entity's count (of ~total), how many are done, and each wait
   * still going with the time left, e.g. `1 min 20 s: app_users 12,820 of ~15,538, app_usage 3,100;
   * 6 of 8 done; waiting 23 s for the /api/v1/apps rate limit`.
   */
  status(): string {
    const now = this.#clock.now();
    const entities = [...this.#entities.values()];
    const running = entities
      .filter((entry) => entry.state === 'running')
      .map((entry) => `${entry.entity} ${count(entry.count)}${this.#ofTotal(entry)}`);
    const done = entities.filter((entry) => entry.state !== 'running').length;
    const parts = [running.length > 0 ? running.join(', ') : 'starting'];
    if (done > 0) parts.push(`${done} of ${entities.length} done`);
    const waits = this.#activeWaits(now);
    if (waits.length > 0)
      parts.push(
        waits.map(([bucket, ms]) => `waiting ${formatDuration(ms)} for the ${bucket} rate limit`).join(', '),
      );
    return `${formatDuration(now - this.#startedAt)}: ${parts.join('; ')}`;
  }

  #ofTotal(entry: EntityProgress): string {
    const total = this.#options.totals?.[entry.entity];
    return total === undefined || total <= 0 ? '' : ` of ~${count(total)}`;
  }

  #activeWaits(now: number): [string, number][] {
    for (const [bucket, until] of this.#waits) if (until <= now) this.#waits.delete(bucket);
    return [...this.#waits].map(([bucket, until]) => [bucket, until - now]);
  }

  #plain(text: string): void {
    this.#lastLineAt = this.#clock.now();
    this.#options.line?.(text);
    this.#options.logLine?.(text);
  }

  #render(): void {
    const { spinner } = this.#options;
    if (!spinner) return;
    const now = this.#clock.now();
    const parts = [...this.#entities.values()].map((entry) =>
      entry.state === 'running'
        ? `${entry.entity} ${count(entry.count)}${this.#ofTotal(entry)}`
        : `${entry.entity} ${count(entry.count)} ${entry.state === 'done' ? '✓' : '–'}`,
    );
    const waits = this.#activeWaits(now).map(
      ([bucket, ms]) => `waiting ${formatDuration(ms)} for the ${bucket} rate limit`,
    );
    spinner.update(`Syncing: ${parts.join(' · ')}${waits.length > 0 ? ` (${waits.join(', ')})` : ''}`);
  }
}
