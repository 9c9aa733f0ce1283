import type { ExitCodeValue } from '../../errors.js';
import type { Check } from './checks/check-list.js';

export type { Check, CheckStatus } from './checks/check-list.js';

/** The `--json` document of test-connection. */
export interface TestConnectionReport {
  /** True when everything sync needs works (warnings allowed). */
  ok: boolean;
  exitCode: ExitCodeValue;
  profile: string;
  checks: Check[];
}
