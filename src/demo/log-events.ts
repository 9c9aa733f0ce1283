import { opaqueId, uuidFor } from './okta-ids.js';
import type { LogTarget, SampleLogEvent, UserStatus } from './okta-records.js';
import { hash, unit } from './random.js';
import { DAY_MS, iso, readPath } from './sample-org-core.js';
import type { SampleOrgStore } from './sample-org-store.js';
import { PLACES, UserFixture } from './tricky-values.js';

enum Salt {
  Published = 101,
  Kind,
  Pick,
  Detail,
}

/** How far back the generated history reaches (Okta keeps 90 days). */
export const LOG_HISTORY_MS = 90 * DAY_MS;

const USER_AGENTS = [
  {
    rawUserAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36',
    os: 'Mac OS X',
    browser: 'CHROME',
  },
  {
    rawUserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
    os: 'Windows 10',
    browser: 'FIREFOX',
  },
  {
    rawUserAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    os: 'iOS',
    browser: 'MOBILE_SAFARI',
  },
] as const;

const EVENT_TEXT: Readonly<Record<string, { message: string; legacy?: string }>> = {
  'user.authentication.sso': { message: 'User single sign on to app', legacy: 'app.auth.sso' },
  'app.oauth2.as.authorize.code': { message: 'OAuth2 authorization code request' },
  'app.oauth2.as.token.grant.id_token': { message: 'OAuth2 id token is granted' },
  'user.session.start': { message: 'User login to Okta', legacy: 'core.user_auth.login_success' },
  'user.authentication.auth_via_mfa': {
    message: 'Authentication of user via MFA',
    legacy: 'core.user.factor.attempt_success',
  },
};

interface EventCore {
  eventType: string;
  user: number;
  app: number;
  failure: boolean;
  variant: number;
}

/** What `mutate()` appends: the rest (client, request, …) is filled in like generated events. */
export interface AppendedEventSpec {
  eventType: string;
  displayMessage: string;
  actorUser: number;
  target: LogTarget[];
  /** Epoch ms. @default the server's `now()` */
  published?: number;
  /** `outcome.result` FAILURE instead of SUCCESS. @default false */
  failure?: boolean;
}

function neverSignedIn(status: UserStatus): boolean {
  return status === 'STAGED' || status === 'PROVISIONED';
}

/**
 * The System Log: `logEvents` generated events spread over the last 90 days (event i is a pure
 * function of seed and i, with strictly increasing `published`), then the events `mutate()`
 * appended, published at the server's `now()`. Generated history reads the org as generated, so it
 * does not change when the org does.
 */
export class SampleOrgLog {
  readonly baseCount: number;
  readonly start: number;
  private readonly slot: number;
  private readonly appended: SampleLogEvent[] = [];
  /** Running totals of generated app assignments per app, to pick (app, user) pairs weighted by size. */
  private cumulative: Float64Array | undefined;

  constructor(private readonly store: SampleOrgStore) {
    this.baseCount = store.dims.logEvents;
    this.start = store.t0 - LOG_HISTORY_MS + 60_000;
    this.slot = (LOG_HISTORY_MS - 120_000) / Math.max(1, this.baseCount);
  }

  count(): number {
    return this.baseCount + this.appended.length;
  }

  publishedAt(index: number): number {
    if (index >= this.baseCount)
      return Date.parse((this.appended[index - this.baseCount] as SampleLogEvent).published);
    const jitter = hash(this.store.seed, Salt.Published, index) % Math.max(1, Math.floor(this.slot));
    return this.start + Math.floor(index * this.slot) + jitter;
  }

  /** The first index whose event was published at or after `ms` (count when none). */
  indexAtOrAfter(ms: number): number {
    let low = 0;
    let high = this.count();
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.publishedAt(middle) < ms) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  eventType(index: number): string {
    if (index >= this.baseCount) return (this.appended[index - this.baseCount] as SampleLogEvent).eventType;
    return this.core(index).eventType;
  }

  private pickAssignment(index: number): { app: number; user: number } | undefined {
    if (!this.cumulative) {
      this.cumulative = new Float64Array(this.store.apps.count);
      let total = 0;
      for (let app = 0; app < this.store.apps.count; app++) {
        total += this.store.assignments.baseEffectiveUsers(app).users.length;
        this.cumulative[app] = total;
      }
    }
    const total = this.cumulative[this.store.apps.count - 1] ?? 0;
    if (total === 0) return undefined;
    const pick = hash(this.store.seed, Salt.Pick, index) % total;
    let low = 0;
    let high = this.store.apps.count - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.cumulative[middle] as number) <= pick) low = middle + 1;
      else high = middle;
    }
    const before = low === 0 ? 0 : (this.cumulative[low - 1] as number);
    const user = this.store.assignments.baseEffectiveUsers(low).users[pick - before] as number;
    return { app: low, user };
  }

  private core(index: number): EventCore {
    const { store } = this;
    const roll = unit(hash(store.seed, Salt.Kind, index));
    const variant = hash(store.seed, Salt.Kind, index, 1);
    const failure = unit(hash(store.seed, Salt.Kind, index, 2)) < 0.08;
    if (roll < 0.7) {
      const pair = this.pickAssignment(index);
      if (
        pair &&
        store.apps.baseStatus(pair.app) === 'ACTIVE' &&
        !neverSignedIn(store.users.baseStatus(pair.user))
      ) {
        const eventType =
          store.apps.signOnMode(pair.app) === 'OPENID_CONNECT'
            ? ([
                'user.authentication.sso',
                'app.oauth2.as.authorize.code',
                'app.oauth2.as.token.grant.id_token',
              ][variant % 3] as string)
            : 'user.authentication.sso';
        // About one app sign-in in 25 fails (a wrong password, a failed MFA): an attempt, not usage.
        const failed = unit(hash(store.seed, Salt.Kind, index, 3)) < 0.04;
        return { eventType, user: pair.user, app: pair.app, failure: failed, variant };
      }
    }
    let user = hash(store.seed, Salt.Pick, index, 1) % store.users.baseCount;
    if (neverSignedIn(store.users.baseStatus(user))) user = UserFixture.admin;
    const eventType = roll < 0.93 ? 'user.session.start' : 'user.authentication.auth_via_mfa';
    return { eventType, user, app: -1, failure: eventType === 'user.session.start' && failure, variant };
  }

  event(index: number): SampleLogEvent {
    if (index >= this.baseCount) return this.appended[index - this.baseCount] as SampleLogEvent;
    const core = this.core(index);
    const target: LogTarget[] = [];
    if (core.app >= 0) {
      const appInstance: LogTarget = {
        id: this.store.apps.ids.at(core.app),
        type: 'AppInstance',
        alternateId: this.store.apps.label(core.app),
        displayName: this.store.apps.label(core.app),
        detailEntry: { signOnModeType: this.store.apps.signOnMode(core.app) },
      };
      const identity = this.store.users.identity(core.user, false);
      const appUser: LogTarget = {
        id: this.store.users.ids.at(core.user),
        type: 'AppUser',
        alternateId: identity.login,
        displayName: identity.displayName,
      };
      const enrollment: LogTarget = {
        id: `pfd${opaqueId(this.store.seed, Salt.Detail, core.user, 17)}`,
        type: 'AuthenticatorEnrollment',
        alternateId: 'unknown',
        displayName: 'Okta Verify',
      };
      // Okta does not promise an order: find the AppInstance by type, never by position.
      const order = core.variant % 3;
      if (order === 0) target.push(appInstance, appUser);
      else if (order === 1) target.push(appUser, appInstance);
      else target.push(enrollment, appInstance, appUser);
    } else if (core.eventType === 'user.authentication.auth_via_mfa') {
      target.push({
        id: `pfd${opaqueId(this.store.seed, Salt.Detail, core.user, 17)}`,
        type: 'AuthenticatorEnrollment',
        alternateId: 'unknown',
        displayName: 'Okta Verify',
      });
    }
    const text = EVENT_TEXT[core.eventType] ?? { message: core.eventType };
    return this.compose(index, {
      published: this.publishedAt(index),
      eventType: core.eventType,
      displayMessage: text.message,
      legacyEventType: core.failure && core.app < 0 ? 'core.user_auth.login_failed' : text.legacy,
      actorUser: core.user,
      actorProfileCurrent: false,
      failure: core.failure,
      target,
    });
  }

  private compose(
    index: number,
    spec: {
      published: number;
      eventType: string;
      displayMessage: string;
      legacyEventType: string | undefined;
      actorUser: number;
      actorProfileCurrent: boolean;
      failure: boolean;
      target: LogTarget[];
    },
  ): SampleLogEvent {
    const { seed } = this.store;
    const h = (k: number) => hash(seed, Salt.Detail, index, k);
    const identity = this.store.users.identity(spec.actorUser, spec.actorProfileCurrent);
    const [city, countryCode] = PLACES[hash(seed, Salt.Detail, spec.actorUser) % PLACES.length] as readonly [
      string,
      string,
      string,
      string,
    ];
    const ip = `198.51.${h(1) % 256}.${1 + (h(2) % 254)}`;
    const geographicalContext = {
      city,
      state: city,
      country: countryCode,
      postalCode: String(10_000 + (h(3) % 89_999)),
      geolocation: {
        lat: Math.round(((h(4) % 18_000) / 100 - 90) * 1e4) / 1e4,
        lon: Math.round(((h(5) % 36_000) / 100 - 180) * 1e4) / 1e4,
      },
    };
    const requestId = opaqueId(seed, Salt.Detail, index, 27);
    const sessionId = `idx${opaqueId(seed, Salt.Detail, spec.actorUser * 7 + (index % 7), 22)}`;
    const event: SampleLogEvent = {
      uuid: uuidFor(seed, index),
      published: iso(spec.published),
      eventType: spec.eventType,
      version: '0',
      severity: spec.failure ? 'WARN' : 'INFO',
      displayMessage: spec.displayMessage,
      actor: {
        id: this.store.users.ids.at(spec.actorUser),
        type: 'User',
        alternateId: identity.login,
        displayName: identity.displayName,
      },
      client: {
        userAgent: USER_AGENTS[h(6) % USER_AGENTS.length],
        device: 'Computer',
        ipAddress: ip,
        geographicalContext,
      },
      outcome: spec.failure ? { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' } : { result: 'SUCCESS' },
      target: spec.target,
      transaction: { type: 'WEB', id: requestId, detail: {} },
      debugContext: { debugData: { requestId, requestUri: '/idp/idx/identify', url: '/idp/idx/identify?' } },
      authenticationContext: { authenticationStep: 0, externalSessionId: sessionId },
      securityContext: {
        asNumber: 64_496,
        asOrg: 'documentation range',
        isp: 'Example ISP',
        domain: 'example.net',
        isProxy: false,
      },
      request: { ipChain: [{ ip, geographicalContext, version: 'V4' }] },
    };
    if (spec.legacyEventType) event.legacyEventType = spec.legacyEventType;
    return event;
  }

  /** Appends an event published at the server's `now()` (never before the last one). */
  append(spec: AppendedEventSpec): SampleLogEvent {
    const index = this.count();
    const last = index > 0 ? this.publishedAt(index - 1) : 0;
    const event = this.compose(index, {
      published: Math.max(spec.published ?? this.store.now(), last),
      eventType: spec.eventType,
      displayMessage: spec.displayMessage,
      legacyEventType: undefined,
      actorUser: spec.actorUser,
      actorProfileCurrent: true,
      failure: spec.failure ?? false,
      target: spec.target,
    });
    this.appended.push(event);
    return event;
  }

  /** Reads an event attribute for filters, building the event only when needed. */
  reader(index: number): (path: string) => unknown {
    let built: SampleLogEvent | undefined;
    return (path) => {
      if (path === 'eventType') return this.eventType(index);
      if (path === 'published') return iso(this.publishedAt(index));
      built ??= this.event(index);
      return readPath(built, path);
    };
  }
}
