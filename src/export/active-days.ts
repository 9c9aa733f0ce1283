/** The longest `--active-days`: a snapshot's sign-in usage (app_usage) covers the 90 days before it. */
export const MAX_ACTIVE_DAYS = 90;
