import { clockSkewSeconds } from '../../../okta/diagnostics.js';
import type { CheckList } from './check-list.js';

/** Clock skew, in seconds, above which the check warns. */
const MAX_SKEW_SECONDS = 60;

/** The Date header of Okta's latest answer, with this machine's clock when it arrived. */
export class ClockSampler {
  latest: { serverDate: Date; localMs: number } | undefined;

  constructor(private readonly now: () => number) {}

  sample(serverDate: Date | undefined): void {
    if (serverDate) this.latest = { serverDate, localMs: this.now() };
  }
}

/** Clock skew, from the Date header of the latest answer. */
export function checkClock(list: CheckList, clock: ClockSampler): void {
  const sample = clock.latest;
  if (!sample) {
    list.skip('clock', 'Clock', 'no answer from Okta with a Date header');
    return;
  }
  const skew = clockSkewSeconds(sample.serverDate, sample.localMs);
  const side = skew > 0 ? 'ahead of' : 'behind';
  if (Math.abs(skew) <= MAX_SKEW_SECONDS) {
    list.add({
      id: 'clock',
      title: 'Clock',
      status: 'pass',
      detail: skew === 0 ? "In step with Okta's clock." : `${Math.abs(skew)} s ${side} Okta's clock (fine).`,
    });
  } else {
    list.add({
      id: 'clock',
      title: 'Clock',
      status: 'warn',
      detail: `This machine's clock is ${Math.abs(skew)} s ${side} Okta's.`,
      fix: "API tokens still work, but OAuth client assertions (private_key_jwt) are rejected when the clock is off by more than about a minute, and timestamps in the inventory will be off. Turn on time synchronisation (NTP): e.g. 'timedatectl set-ntp true' on Linux, 'w32tm /resync' on Windows.",
    });
  }
}
