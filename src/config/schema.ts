import { z } from 'zod';

/** Output formats a snapshot can be written in. */
export const OUTPUT_FORMATS = ['json', 'ndjson', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export const outputFormatSchema = z.enum(OUTPUT_FORMATS);

/** Profile names are also folder names under the output directory, so keep them filesystem-safe. */
export const PROFILE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const profileNameSchema = z.string().regex(PROFILE_NAME_PATTERN);

/**
 * One profile in the config file. Every field is optional on disk (a hand-edited profile may lack a
 * token and get it from `OKTA_CLIENT_TOKEN`); unknown fields are kept for newer versions.
 */
export const profileSchema = z
  .object({
    /** Okta domain as saved by configure: a host (`acme.okta.com`) or, on loopback, an `http://` origin. */
    domain: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    /** Absolute path. */
    outputDir: z.string().min(1).optional(),
    format: outputFormatSchema.optional(),
    /** `hourly`, `daily`, `weekly` or a 5-field cron expression. */
    schedule: z.string().min(1).optional(),
    /** `token` (SSWS, the default) or `oauth` (an API Services app). */
    auth: z.enum(['token', 'oauth']).optional(),
    /** OAuth: the app's client id. */
    clientId: z.string().min(1).optional(),
    /** OAuth: the private key, PEM or JWK text (this file is 0600). */
    privateKey: z.string().min(1).optional(),
    /** OAuth: the `kid` of the client assertion. */
    keyId: z.string().min(1).optional(),
    /** OAuth: scopes to ask for, space-separated (default: what the selected entities need). */
    scopes: z.string().min(1).optional(),
    /** OAuth: send DPoP proofs from the first token request. */
    dpop: z.boolean().optional(),
    /** Proxy URL (`http://user:password@proxy:3128`), for runs without HTTPS_PROXY (cron). */
    proxy: z.string().min(1).optional(),
    /** Absolute path of a PEM file of extra CA certificates (a TLS-inspecting proxy's root). */
    caFile: z.string().min(1).optional(),
    /**
     * A host the user confirmed (`configure --trust-host`) although it does not answer
     * /.well-known/okta-organization like an Okta org; sync sends the token to no other such host.
     */
    trustedHost: z.string().min(1).optional(),
  })
  .loose();
export type Profile = z.infer<typeof profileSchema>;

export const configFileSchema = z
  .object({
    profiles: z.record(profileNameSchema, profileSchema).default({}),
  })
  .loose();
export type ConfigFile = z.infer<typeof configFileSchema>;
