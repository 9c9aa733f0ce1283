import { IdPrefix, OktaIdSequence, opaqueId } from './okta-ids.js';
import type { SampleDevice } from './okta-records.js';
import { hash, unit } from './random.js';
import { DAY_MS, iso, readPath, Salt, type SampleOrgCore, seconds } from './sample-org-core.js';
import type { SampleUsers } from './sample-org-users.js';
import { UserFixture } from './tricky-values.js';

/** The org's devices (Identity Engine) and the users each is registered to. */
export class SampleDevices {
  readonly ids: OktaIdSequence;
  readonly count: number;
  private readonly userOffsets: Uint32Array;
  private readonly userList: Uint32Array;

  constructor(
    private readonly core: SampleOrgCore,
    private readonly users: SampleUsers,
  ) {
    this.ids = new OktaIdSequence(IdPrefix.device, core.seed);
    this.count = core.dims.devices;
    const devices = this.generateUsers();
    this.userOffsets = devices.offsets;
    this.userList = devices.users;
  }

  private generateUsers(): { offsets: Uint32Array; users: Uint32Array } {
    const offsets = new Uint32Array(this.count + 1);
    const users: number[] = [];
    const fixed: Readonly<Record<number, number[]>> = {
      0: [UserFixture.emoji],
      1: [UserFixture.japanese],
      2: [UserFixture.arabic, UserFixture.cyrillic],
      3: [],
    };
    for (let device = 0; device < this.count; device++) {
      offsets[device] = users.length;
      const preset = fixed[device];
      if (preset) {
        users.push(...preset);
        continue;
      }
      const u = unit(hash(this.core.seed, Salt.DeviceUsers, device));
      const count = u < 0.05 ? 0 : u < 0.15 ? 2 : 1;
      const first = hash(this.core.seed, Salt.DeviceUsers, device, 1) % this.users.baseCount;
      if (count >= 1) users.push(first);
      if (count === 2)
        users.push(
          (first + 1 + (hash(this.core.seed, Salt.DeviceUsers, device, 2) % 97)) % this.users.baseCount,
        );
    }
    offsets[this.count] = users.length;
    return { offsets, users: Uint32Array.from(users) };
  }

  indexOf(id: string): number {
    return this.ids.indexOf(id, this.count);
  }

  times(device: number): { created: number; lastUpdated: number } {
    const h = (k: number) => unit(hash(this.core.seed, Salt.Device, device, k));
    const created = seconds(this.core.t0 - (1 + h(1) * 900) * DAY_MS);
    const lastUpdated =
      h(2) < 0.15
        ? seconds(this.core.t0 - h(3) * 7 * DAY_MS)
        : seconds(created + h(3) * (this.core.t0 - created));
    return { created, lastUpdated: Math.max(created, lastUpdated) };
  }

  userIndexes(device: number): number[] {
    const out: number[] = [];
    for (let k = this.userOffsets[device] as number; k < (this.userOffsets[device + 1] as number); k++) {
      const user = this.userList[k] as number;
      if (this.users.exists(user)) out.push(user);
    }
    return out;
  }

  build(device: number, expandUsers: boolean): SampleDevice {
    const h = (k: number) => hash(this.core.seed, Salt.Device, device, k);
    const id = this.ids.at(device);
    const times = this.times(device);
    const p = unit(h(4));
    const platform = p < 0.4 ? 'WINDOWS' : p < 0.7 ? 'MACOS' : p < 0.85 ? 'IOS' : 'ANDROID';
    const owners = this.userIndexes(device);
    const ownerName =
      owners.length > 0 ? String(this.users.profile(owners[0] as number).firstName ?? 'Shared') : 'Shared';
    const model = { WINDOWS: 'Latitude 7440', MACOS: 'MacBook Pro', IOS: 'iPhone 15', ANDROID: 'Pixel 8' }[
      platform
    ];
    let displayName = `${ownerName}'s ${model}`;
    if (device === 0) displayName = 'Alex’s iPhone 📱 "work", personal';
    if (device === 1) displayName = '=山田のMac';
    const s = unit(h(5));
    const profile: Record<string, unknown> = {
      displayName,
      platform,
      manufacturer: { WINDOWS: 'Dell Inc.', MACOS: 'Apple Inc.', IOS: 'Apple Inc.', ANDROID: 'Google' }[
        platform
      ],
      model,
      osVersion: { WINDOWS: '10.0.22631', MACOS: '14.6.1', IOS: '17.5.1', ANDROID: '14' }[platform],
      serialNumber: opaqueId(this.core.seed, Salt.Device, device, 12).toUpperCase(),
      registered: true,
      secureHardwarePresent: s < 0.8,
      diskEncryptionType:
        platform === 'MACOS' ? 'ALL_INTERNAL_VOLUMES' : platform === 'WINDOWS' ? 'SYSTEM_VOLUME' : 'USER',
      managed: s < 0.6,
    };
    if (platform === 'WINDOWS') profile.sid = `S-1-5-21-${h(6)}-${h(7)}-${1000 + (h(8) % 9000)}`;
    if (platform === 'IOS' || platform === 'ANDROID') {
      profile.imei = String(350_000_000_000_000 + (h(9) % 99_999_999) * 1_000 + (h(10) % 1_000));
      profile.integrityJailbreak = s > 0.97;
    }
    if (platform === 'MACOS' || platform === 'IOS')
      profile.udid = `${opaqueId(this.core.seed, Salt.Device, device, 8)}-0001`;
    const statusRoll = unit(h(11));
    const status = statusRoll < 0.05 ? 'DEACTIVATED' : statusRoll < 0.1 ? 'SUSPENDED' : 'ACTIVE';
    const record: SampleDevice = {
      id,
      status,
      created: iso(times.created),
      lastUpdated: iso(times.lastUpdated),
      profile,
      resourceType: 'UDDevice',
      resourceDisplayName: { value: displayName, sensitive: false },
      resourceId: id,
      _links: {
        self: { href: this.core.url(`/api/v1/devices/${id}`), hints: { allow: ['GET', 'PUT', 'DELETE'] } },
        users: { href: this.core.url(`/api/v1/devices/${id}/users`), hints: { allow: ['GET'] } },
      },
    };
    if (expandUsers) {
      record._embedded = {
        users: owners.map((user, k) => ({
          created: iso(Math.max(times.created, this.users.times(user).created)),
          managementStatus: profile.managed ? 'MANAGED' : 'NOT_MANAGED',
          screenLockType: (['BIOMETRIC', 'PASSCODE', 'NONE'] as const)[(h(12) + k) % 3] as string,
          user: this.users.build(user),
        })),
      };
    }
    return record;
  }

  reader(device: number): (path: string) => unknown {
    let built: SampleDevice | undefined;
    return (path) => {
      if (path === 'id') return this.ids.at(device);
      if (path === 'lastUpdated') return iso(this.times(device).lastUpdated);
      built ??= this.build(device, false);
      return readPath(built, path);
    };
  }
}
