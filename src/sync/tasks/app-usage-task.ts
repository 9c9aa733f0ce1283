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

  /** An incremental run: the change feed must be known before any entity is merged. */
  async readChangesFirst(): Promise<void> {
    try {
      await this.#readSystemLog();
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

  /** Writes app_usage: a full run reads the System Log first (a refusal skips app_usage alone). */
  async run(): Promise<void> {
    const context = this.#context;
    if (context.incremental) return this.#writeUsage();
    if (!context.wanted('app_usage')) return;
    try {
      await this.#readSystemLog();
    } catch (error) {
      if (error instanceof PermissionError) context.skipForbidden('app_usage', error);
      else if (isSkippableFailure(error)) context.skipFailed('app_usage', error);
      else throw error;
      return;
    }
    await this.#writeUsage();
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

  /** Reads the System Log once: sign-ins feed app_usage; change events feed the incremental merge. */
  async #readSystemLog(): Promise<void> {
    const { client, incremental, now } = this.#context;
    if (incremental) {
      // Changes are read from the previous run's start (less the overlap), not from its checkpoint:
      // the previous run read the log side by side with everything else, so an event it saw after
      // listing an app was never applied to that app. The feed is sets of ids: overlap is harmless.
      const since = { since: incremental.changedSince, filter: CHANGE_FILTER };
      for await (const page of pollLogEvents(client, since, this.#context.label('app_usage'))) {
        for (const event of page.items as OktaLogEvent[]) this.feed.add(event);
      }
      for await (const lines of incremental.lines('usage_events')) {
        await this.#keepSignIns(
          lines.map((line) => {
            const [userId, appId, at] = idsOfLine(line, ['userId', 'appId', 'at']) as [
              string,
              string,
              string,
            ];
            return { userId, appId, at: Date.parse(at) };
          }),
        );
      }
    }
    const from = incremental
      ? { checkpoint: incremental.logCheckpoint }
      : { since: new Date(now - 90 * DAY_MS).toISOString(), filter: USAGE_AND_CHANGE_FILTER };
    let events = 0;
    for await (const page of pollLogEvents(client, from, this.#context.label('app_usage'))) {
      const signIns: SignIn[] = [];
      for (const event of page.items as OktaLogEvent[]) {
        if (this.feed.add(event)) continue;
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
