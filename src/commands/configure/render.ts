import type { Io } from '../../ui/io.js';
import type { ProfileView } from './profile-view.js';
import type { ConfigureResult } from './result.js';

function profileLines(view: ProfileView, io: Io): string[] {
  const dim = (text: string) => io.color.dim(text);
  const rows: Array<[string, string]> = [['domain', view.domain ?? dim('(not set)')]];
  if (view.auth === 'oauth') {
    rows.push(['auth', 'OAuth 2.0 service app (private_key_jwt)']);
    rows.push(['client id', view.clientId ?? dim('(not set: OKTA_CLIENT_CLIENTID must provide it)')]);
    rows.push(['key', `${view.privateKey ?? dim('(not set)')}${view.keyId ? `, kid ${view.keyId}` : ''}`]);
    rows.push(['scopes', view.scopes ?? dim('(what each sync needs)')]);
  } else {
    rows.push(['token', view.token ?? dim('(not set: OKTA_CLIENT_TOKEN must provide it)')]);
  }
  rows.push(
    ['output dir', `${view.outputDir}${view.defaults.includes('outputDir') ? dim(' (default)') : ''}`] as [
      string,
      string,
    ],
    ['format', `${view.format}${view.defaults.includes('format') ? dim(' (default)') : ''}`],
    ['schedule', view.schedule ?? dim('(none)')] as [string, string],
  );
  if (view.proxy) rows.push(['proxy', view.proxy]);
  if (view.caFile) rows.push(['CA file', view.caFile]);
  if (view.trustedHost) rows.push(['trusted', `${view.trustedHost} (--trust-host)`]);
  return rows.map(([label, value]) => `  ${label.padEnd(11)}${value}`);
}

/** Human output of configure. */
export function renderConfigureResult(result: ConfigureResult, io: Io): void {
  switch (result.action) {
    case 'saved':
      io.logger.success(
        `${result.created ? 'Created' : 'Updated'} profile "${result.profile.name}" in ${result.configPath}`,
      );
      for (const line of profileLines(result.profile, io)) io.print(line);
      if (result.generatedKey) {
        io.print('');
        io.print('Public key (JWK) to register on the API Services app:');
        io.print(JSON.stringify(result.generatedKey.publicJwk, null, 2));
        const saveClientId = result.profile.clientId
          ? '.'
          : `, and save the Client ID: okta-connector configure${result.profile.name === 'default' ? '' : ` --profile ${result.profile.name}`} --client-id <id>`;
        io.logger.info(
          `In the Admin Console: Applications > Applications > Create App Integration > API Services (or open the app) > General > Client Credentials > Edit > Client authentication: Public key / Private key > Add key > paste this JWK > Save. Then grant the Okta API Scopes (okta.users.read …), assign the Read-Only Administrator role (Admin roles tab)${saveClientId}`,
        );
      }
      io.logger.info(
        `Next: okta-connector test-connection${result.profile.name === 'default' ? '' : ` --profile ${result.profile.name}`}`,
      );
      return;
    case 'shown':
      io.print(`Profile "${result.profile.name}" ${io.color.dim(`(${result.configPath})`)}`);
      for (const line of profileLines(result.profile, io)) io.print(line);
      return;
    case 'listed': {
      if (result.profiles.length === 0) {
        io.logger.info(`No profiles yet in ${result.configPath}. Create one with: okta-connector configure`);
        return;
      }
      const width = Math.max(7, ...result.profiles.map((profile) => profile.name.length)) + 2;
      const domainWidth =
        Math.max(6, ...result.profiles.map((profile) => (profile.domain ?? '-').length)) + 2;
      io.print(io.color.bold(`${'PROFILE'.padEnd(width)}${'DOMAIN'.padEnd(domainWidth)}TOKEN`));
      for (const profile of result.profiles) {
        io.print(
          `${profile.name.padEnd(width)}${(profile.domain ?? '-').padEnd(domainWidth)}${profile.hasToken ? 'yes' : io.color.yellow('no')}`,
        );
      }
      return;
    }
    case 'deleted': {
      const where = result.schedule.scheduler === 'cron' ? 'your crontab' : 'Task Scheduler';
      const schedule = result.schedule.removed ? `, and its scheduled sync from ${where}` : '';
      io.logger.success(`Deleted profile "${result.profile}" from ${result.configPath}${schedule}`);
      return;
    }
    case 'kept':
      io.logger.info(`Kept profile "${result.profile}": nothing was deleted.`);
      return;
  }
}
