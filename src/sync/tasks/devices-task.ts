import { deviceRow } from '../../inventory/entities.js';
import { NotFoundError } from '../../okta/errors.js';
import { listDevices } from '../../okta/resources.js';
import type { CollectContext } from '../collect-context.js';
import { pageRepeats } from '../page-repeats.js';

/** devices: only Identity Engine orgs have them; on Okta Classic the entity is absent, not partial. */
export async function devicesTask(context: CollectContext): Promise<void> {
  if (!context.wanted('devices')) return;
  if (context.pipeline === 'v1') {
    context.skipAbsent(
      'devices',
      'Devices exist only on Okta Identity Engine orgs; this org runs Okta Classic.',
    );
    return;
  }
  let classic = false;
  await context.entityTask(['devices'], async () => {
    const writer = context.open('devices');
    const unrepeated = pageRepeats((device: { id: string }) => device.id);
    try {
      for await (const page of listDevices(context.client, context.label('devices'))) {
        await writer.writeMany(unrepeated(page).map(deviceRow));
      }
    } catch (error) {
      // Classic orgs answer 404 for /api/v1/devices; on Identity Engine a 404 is a failure like any other.
      if (!(error instanceof NotFoundError) || context.pipeline === 'idx') throw error;
      classic = true;
      return [];
    }
    return [writer];
  });
  if (classic) context.skipAbsent('devices', 'This org has no Devices API (Okta Classic).');
}
