import type { DeviceRow } from './devices.repository.js';

/** A device as its owner sees it: never its token or keys, which are the user's to keep. */
export interface DeviceView {
  id: string;
  platform: DeviceRow['platform'];
  name: string | null;
  createdAt: string;
}

export const toDeviceView = (device: DeviceRow): DeviceView => ({
  id: device.id,
  platform: device.platform,
  name: device.name,
  createdAt: device.createdAt.toISOString(),
});
