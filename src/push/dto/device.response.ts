import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ItemList } from '#src/common/pagination/pagination.js';
import type { DeviceView } from '../device.presenter.js';

type VapidPublicKey = { publicKey: string | null };

@ApiSchema({ name: 'Device', description: 'A device as its owner sees it: never its token or keys' })
export class DeviceResponse implements DeviceView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['webpush', 'fcm', 'apns'] })
  platform!: DeviceView['platform'];

  @ApiProperty({ type: String, nullable: true })
  name!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

@ApiSchema({ name: 'Devices' })
export class DevicesResponse implements ItemList<DeviceView> {
  @ApiProperty({ type: [DeviceResponse], maxItems: 20, description: 'Newest first' })
  items!: DeviceResponse[];
}

@ApiSchema({ name: 'VapidPublicKey' })
export class VapidPublicKeyResponse implements VapidPublicKey {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'base64url, for applicationServerKey; null when Web Push is not configured here',
  })
  publicKey!: string | null;
}
