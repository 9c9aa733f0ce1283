import type { ConfigureGeneratedKey } from './apply-oauth.js';
import type { DeletedSchedule } from './delete-profile.js';
import type { OrganizationLookup } from './look-up-organization.js';
import type { ProfileView } from './profile-view.js';

export type { ConfigureGeneratedKey } from './apply-oauth.js';
export type { OrganizationLookup } from './look-up-organization.js';
export type { ProfileView } from './profile-view.js';

/** What configure did: the `--json` document, and what the human output is printed from. */
export type ConfigureResult =
  | {
      action: 'saved';
      created: boolean;
      configPath: string;
      profile: ProfileView;
      organization: OrganizationLookup | null;
      /** `--generate-key`: the public JWK to register on the app. */
      generatedKey?: ConfigureGeneratedKey;
    }
  | { action: 'shown'; configPath: string; profile: ProfileView }
  | {
      action: 'listed';
      configPath: string;
      profiles: Array<{ name: string; domain: string | null; hasToken: boolean }>;
    }
  | { action: 'deleted'; configPath: string; profile: string; schedule: DeletedSchedule }
  | { action: 'kept'; configPath: string; profile: string };
