import { IdPrefix, OktaIdSequence, opaqueId } from './okta-ids.js';
import type { SampleApp, SignOnMode } from './okta-records.js';
import { hash, unit } from './random.js';
import { DAY_MS, iso, Salt, type SampleOrgCore, seconds } from './sample-org-core.js';
import { APP_NAMES, AppFixture, longText } from './tricky-values.js';

/** What an app is, decided once per app at creation; its record is built from it on demand. */
export interface AppShape {
  mode: SignOnMode;
  label: string;
  name: string;
  inactive: boolean;
  provisioning: boolean;
  seatCount: number | undefined;
  adminNotes: string | undefined;
}

/** An Okta Expression Language placeholder such as `${source.login}` (literal text, not a JS template). */
function oktaExpression(name: string): string {
  return `\${${name}}`;
}

/** The org's apps (their assignments are in `SampleAppAssignments`). */
export class SampleApps {
  readonly ids: OktaIdSequence;
  readonly count: number;
  readonly statusOverride = new Map<number, { status: 'ACTIVE' | 'INACTIVE'; lastUpdated: number }>();
  private readonly shapes: AppShape[];

  constructor(private readonly core: SampleOrgCore) {
    this.ids = new OktaIdSequence(IdPrefix.app, core.seed);
    this.count = core.dims.apps;
    this.shapes = Array.from({ length: this.count }, (_, app) => this.generateShape(app));
  }

  shape(app: number): AppShape {
    return this.shapes[app] as AppShape;
  }

  private generateShape(app: number): AppShape {
    const shape = (
      mode: SignOnMode,
      label: string,
      name: string,
      extra: Partial<AppShape> = {},
    ): AppShape => ({
      mode,
      label,
      name,
      inactive: false,
      provisioning: false,
      seatCount: undefined,
      adminNotes: undefined,
      ...extra,
    });
    switch (app) {
      case AppFixture.intranet:
        return shape('BOOKMARK', 'Company Intranet 🏢', 'bookmark');
      case AppFixture.salesforce:
        return shape('SAML_2_0', 'Salesforce, "Sales Cloud"', 'salesforce', { seatCount: 250 });
      case AppFixture.expenses:
        return shape('OPENID_CONNECT', 'Expense Portal — 経費精算', 'oidc_client');
      case AppFixture.legacyHr:
        return shape('BROWSER_PLUGIN', 'Legacy HR (SWA)', 'template_swa');
      case AppFixture.payroll:
        return shape('AUTO_LOGIN', '+Payroll Plus', 'demoorg_payrollplus_1');
      case AppFixture.retiredWiki:
        return shape('SAML_2_0', 'Retired Wiki', 'demoorg_retiredwiki_1', { inactive: true });
      case AppFixture.unused:
        return shape('SAML_2_0', 'Unused Tool', 'demoorg_unusedtool_1');
      case AppFixture.boundary:
        return shape(
          'SAML_2_0',
          `Page boundary (exactly ${this.core.dims.boundaryAppUsers} users)`,
          'demoorg_boundary_1',
        );
      case AppFixture.formulas:
        return shape('BOOKMARK', '=Analytics\nDashboard, "BI"', 'bookmark', {
          adminNotes: longText(5_300, 'notes'),
        });
      case AppFixture.rtl:
        return shape('OPENID_CONNECT', 'بوابة الموظفين', 'oidc_client');
      case AppFixture.groupOnly:
        return shape('SAML_2_0', 'Group-only App', 'demoorg_grouponly_1');
      case AppFixture.workday:
        return shape('AUTO_LOGIN', 'Workday 🧾', 'workday', { provisioning: true });
    }
    const h = (k: number) => hash(this.core.seed, Salt.AppMeta, app, k);
    const [product, oinName] = APP_NAMES[h(1) % APP_NAMES.length] as readonly [string, string | null];
    const label = `${product} ${app}`;
    const slug = `demoorg_${product.toLowerCase().replace(/[^a-z0-9]/g, '')}_${app}`;
    const u = unit(h(2));
    const mode: SignOnMode =
      u < 0.4
        ? 'SAML_2_0'
        : u < 0.6
          ? 'OPENID_CONNECT'
          : u < 0.75
            ? 'BROWSER_PLUGIN'
            : u < 0.85
              ? 'AUTO_LOGIN'
              : 'BOOKMARK';
    const name =
      mode === 'OPENID_CONNECT'
        ? 'oidc_client'
        : mode === 'BOOKMARK'
          ? 'bookmark'
          : mode === 'BROWSER_PLUGIN'
            ? 'template_swa'
            : (oinName ?? slug);
    return shape(mode, label, name, {
      inactive: unit(h(3)) < 0.05,
      provisioning: mode !== 'BOOKMARK' && mode !== 'OPENID_CONNECT' && unit(h(4)) < 0.2,
      seatCount: unit(h(5)) < 0.15 ? 10 * (1 + (h(6) % 100)) : undefined,
    });
  }

  signOnMode(app: number): SignOnMode {
    return (this.shapes[app] as AppShape).mode;
  }

  label(app: number): string {
    return (this.shapes[app] as AppShape).label;
  }

  status(app: number): 'ACTIVE' | 'INACTIVE' {
    return this.statusOverride.get(app)?.status ?? this.baseStatus(app);
  }

  baseStatus(app: number): 'ACTIVE' | 'INACTIVE' {
    return (this.shapes[app] as AppShape).inactive ? 'INACTIVE' : 'ACTIVE';
  }

  indexOf(id: string): number {
    return this.ids.indexOf(id, this.count);
  }

  times(app: number): { created: number; lastUpdated: number } {
    const h = (k: number) => unit(hash(this.core.seed, Salt.AppMeta, app, k));
    const created = seconds(this.core.t0 - (60 + h(7) * 1_800) * DAY_MS);
    const lastUpdated =
      this.statusOverride.get(app)?.lastUpdated ?? seconds(created + h(8) * (this.core.t0 - created));
    return { created, lastUpdated };
  }

  build(app: number): SampleApp {
    const shape = this.shapes[app] as AppShape;
    const id = this.ids.at(app);
    const status = this.status(app);
    const times = this.times(app);
    const linkName =
      shape.mode === 'OPENID_CONNECT'
        ? 'oidc_client_link'
        : shape.mode === 'BOOKMARK'
          ? 'login'
          : shape.name.slice(0, 40);
    const userNameTemplate = { template: oktaExpression('source.login'), type: 'BUILT_IN' };
    const notifications = {
      vpn: { network: { connection: 'DISABLED' }, message: 'Connect to the VPN first' },
    };
    const notes = shape.adminNotes
      ? { admin: shape.adminNotes, enduser: 'Ask IT, "nicely", for access.' }
      : undefined;
    const launchUrl = `https://apps.demo.example/${app}/`;
    const record: SampleApp = {
      id,
      orn: `orn:okta:idp:${this.core.orgId}:apps:${shape.name}:${id}`,
      name: shape.name,
      label: shape.label,
      status,
      created: iso(times.created),
      lastUpdated: iso(times.lastUpdated),
      accessibility: { selfService: false },
      visibility: {
        autoSubmitToolbar: false,
        autoLaunch: false,
        hide: { iOS: false, web: false },
        appLinks: { [linkName]: true },
      },
      features: shape.provisioning ? ['PUSH_NEW_USERS', 'PUSH_PROFILE_UPDATES', 'IMPORT_NEW_USERS'] : [],
      signOnMode: shape.mode,
    };
    if (shape.seatCount !== undefined) record.licensing = { seatCount: shape.seatCount };
    switch (shape.mode) {
      case 'SAML_2_0':
        record.credentials = {
          userNameTemplate,
          signing: { kid: opaqueId(this.core.seed, Salt.AppMeta, app, 43) },
        };
        record.settings = {
          app: {},
          notifications,
          ...(notes && { notes }),
          signOn: {
            defaultRelayState: '',
            ssoAcsUrl: `${launchUrl}saml/acs`,
            recipient: `${launchUrl}saml/acs`,
            destination: `${launchUrl}saml/acs`,
            audience: `${launchUrl}saml/metadata`,
            idpIssuer: `http://www.okta.com/${oktaExpression('org.externalKey')}`,
            subjectNameIdTemplate: oktaExpression('user.userName'),
            subjectNameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
            responseSigned: true,
            assertionSigned: true,
            signatureAlgorithm: 'RSA_SHA256',
            digestAlgorithm: 'SHA256',
            honorForceAuthn: true,
            authnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
            allowMultipleAcsEndpoints: false,
            requestCompressed: false,
            attributeStatements: [],
          },
        };
        break;
      case 'OPENID_CONNECT':
        record.credentials = {
          userNameTemplate,
          oauthClient: {
            client_id: id,
            autoKeyRotation: true,
            token_endpoint_auth_method: 'client_secret_basic',
          },
        };
        record.settings = {
          app: {},
          notifications,
          ...(notes && { notes }),
          oauthClient: {
            client_uri: launchUrl,
            redirect_uris: [`${launchUrl}callback`],
            response_types: ['code'],
            grant_types: ['authorization_code', 'refresh_token'],
            application_type: 'web',
            consent_method: 'REQUIRED',
            issuer_mode: 'DYNAMIC',
          },
        };
        break;
      case 'BROWSER_PLUGIN':
        record.credentials = {
          scheme: 'EDIT_USERNAME_AND_PASSWORD',
          userNameTemplate,
          revealPassword: false,
          signing: {},
        };
        record.settings = {
          app: {
            url: `${launchUrl}login`,
            usernameField: '#username',
            passwordField: '#password',
            buttonField: '#submit',
            loginUrlRegex: `^${launchUrl.replace(/[.]/g, '\\.')}login$`,
          },
          notifications,
          ...(notes && { notes }),
        };
        break;
      case 'AUTO_LOGIN':
        record.credentials = {
          scheme: 'EDIT_USERNAME_AND_PASSWORD',
          userNameTemplate,
          revealPassword: false,
          signing: {},
        };
        record.settings = {
          app: {},
          notifications,
          ...(notes && { notes }),
          signOn: { loginUrl: `${launchUrl}login`, redirectUrl: launchUrl },
        };
        break;
      case 'BOOKMARK':
        record.credentials = { userNameTemplate, signing: {} };
        record.settings = {
          app: { url: launchUrl, requestIntegration: false },
          notifications,
          ...(notes && { notes }),
        };
        break;
    }
    if (app === AppFixture.salesforce) record.profile = { costCenter: null, owner: 'Sales Ops, "EMEA"' };
    record._links = {
      appLinks: [
        { name: linkName, href: this.core.url(`/home/${shape.name}/${id}/${linkName}`), type: 'text/html' },
      ],
      groups: { href: this.core.url(`/api/v1/apps/${id}/groups`) },
      logo: [
        { name: 'medium', href: this.core.url(`/assets/img/logos/${shape.name}.png`), type: 'image/png' },
      ],
      users: { href: this.core.url(`/api/v1/apps/${id}/users`) },
      [status === 'ACTIVE' ? 'deactivate' : 'activate']: {
        href: this.core.url(
          `/api/v1/apps/${id}/lifecycle/${status === 'ACTIVE' ? 'deactivate' : 'activate'}`,
        ),
      },
    };
    return record;
  }
}
