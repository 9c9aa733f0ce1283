import type { EntityWriter } from '../../formats/entity-writer.js';
import { PermissionError } from '../../okta/errors.js';
import {
  CHANGE_FILTER,
  type OktaLogEvent,
  pollLogEvents,
  USAGE_AND_CHANGE_FILTER,
} from '../../okta/resources.js';
import { AppUsageAggregator, signInOf } from '../app-usage.js';
import { ChangeFeed } from '../change-feed.js';
import type { CollectContext } from '../collect-context.js';
import { isSkippableFailure } from '../entity-failure.js';
import { idsOfLine } from '../leading-ids.js';

type Row = Record<string, unknown>;
type SignIn = { userId: string; appId: string; at: number };

const DAY_MS = 86_400_000;

/**
 * The System Log, read once: its sign-ins become app_usage (and the events kept for the next
 * incremental run), and for an incremental run its change events become the change feed the other
 * entities merge with.
 */
export class AppUsageTask {
  readonly feed = new ChangeFeed();
  /** Where the next incremental run resumes the System Log; undefined when it was not read. */
  logCheckpoint: string | undefined;
  /** Released once app_usage is written: the rest of the run must not carry it. */
  #aggregator: AppUsageAggregator | undefined;
  readonly usageEvents: EntityWriter | undefined;
  readonly #context: CollectContext;

  constructor(context: CollectContext) {
    this.#context = context;
    this.#aggregator = new AppUsageAggregator(context.now);
    this.usageEvents = context.openUsageEventsWriter();
  }

  /**
   * An incremental run: the change feed must be known before any entity is merged. Only the change
   * events are read here; the sign-ins (the kept ones and the new ones) are read by `run`, side by
   * side with the other entities.
   */
  readChangesFirst(): Promise<void> {
    return this.#needingTheLog(() => this.#readChangeFeed());
  }

  /** Writes app_usage: a full run reads the System Log first (a refusal skips app_usage alone). */
  async run(): Promise<void> {
    const context = this.#context;
    if (context.incremental) {
      await this.#needingTheLog(() => this.#readSignIns());
      return this.#writeUsage();
    }
    if (!context.wanted('app_usage')) return;
    try {
      await this.#readSignIns();
    } catch (error) {
      if (error instanceof PermissionError) context.skipForbidden('app_usage', error);
      else if (isSkippableFailure(error)) context.skipFailed('app_usage', error);
      else throw error;
      return;
    }
    await this.#writeUsage();
  }

  /** An incremental run cannot go on without the System Log: a refusal fails it, saying what to do. */
  async #needingTheLog(read: () => Promise<void>): Promise<void> {
    try {
      await read();
    } catch (error) {
      if (!(error instanceof PermissionError)) throw error;
      throw new PermissionError(
        'An incremental sync needs the System Log, which this token may not read. Run a full sync (--full).',
        {
          status: error.status,
          errorCode: error.errorCode,
          requestId: error.requestId,
          request: error.request,
        },
      );
    }
  }

  /** Counts the sign-ins of the last 90 days and keeps them for the next incremental run. */
  async #keepSignIns(signIns: SignIn[]): Promise<void> {
    const counting = this.#aggregator;
    if (!counting) return;
    const kept = signIns.filter((signIn) => counting.addSignIn(signIn));
    await this.usageEvents?.writeMany(
      kept.map((signIn) => ({
        userId: signIn.userId,
        appId: signIn.appId,
        at: new Date(signIn.at).toISOString(),
      })),
    );
  }

  /**
   * The change events since the previous run's start (less the overlap), not since its checkpoint:
   * the previous run read the log side by side with everything else, so an event it saw after
   * listing an app was never applied to that app. The feed is sets of ids: overlap is harmless.
   */
  async #readChangeFeed(): Promise<void> {
    const { client, incremental } = this.#context;
    if (!incremental) return;
    const since = { since: incremental.changedSince, filter: CHANGE_FILTER };
    for await (const page of pollLogEvents(client, since, this.#context.label('app_usage'))) {
      for (const event of page.items as OktaLogEvent[]) this.feed.add(event);
    }
  }

  /**
   * The sign-ins: a full run's 90 days (its change events feed nothing), or an incremental run's kept
   * ones and those since the checkpoint. There the change events met again are set apart in a feed of
   * their own: the one the entities merge with was complete before they started and stays as it was.
   */
  async #readSignIns(): Promise<void> {
    const { client, incremental, now } = this.#context;
    if (incremental) {
      const counting = this.#aggregator;
      for await (const lines of incremental.lines('usage_events')) {
        // The last run's sign-ins still in the window are kept as the text it wrote for them.
        const kept = lines.filter((line) => {
          const [userId, appId, at] = idsOfLine(line, ['userId', 'appId', 'at']) as [string, string, string];
          return counting?.addSignIn({ userId, appId, at: Date.parse(at) }) === true;
        });
        await this.usageEvents?.writeJsonLines(kept);
      }
    }
    const from = incremental
      ? { checkpoint: incremental.logCheckpoint }
      : { since: new Date(now - 90 * DAY_MS).toISOString(), filter: USAGE_AND_CHANGE_FILTER };
    const changes = incremental ? new ChangeFeed() : this.feed;
    let events = 0;
    for await (const page of pollLogEvents(client, from, this.#context.label('app_usage'))) {
      const signIns: SignIn[] = [];
      for (const event of page.items as OktaLogEvent[]) {
        if (changes.add(event)) continue;
        const signIn = signInOf(event);
        if (signIn) signIns.push(signIn);
      }
      await this.#keepSignIns(signIns);
      this.logCheckpoint = page.nextUrl;
      events += page.items.length;
      if (events > 0) this.#context.progress('app_usage', this.#aggregator?.size ?? 0);
    }
  }

  #writeUsage(): Promise<void> {
    return this.#context.entityTask(['app_usage'], async () => {
      const writer = this.#context.open('app_usage');
      const counted = this.#aggregator;
      this.#aggregator = undefined;
      let batch: Row[] = [];
      for (const row of counted?.rows() ?? []) {
        batch.push({ ...row });
        if (batch.length === 1000) {
          await writer.writeMany(batch);
          batch = [];
        }
      }
      await writer.writeMany(batch);
      return [writer];
    });
  }
}
