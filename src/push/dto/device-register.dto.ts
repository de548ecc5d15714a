import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';
import type { PushPlatform } from '#src/push/providers/push-provider.js';

export const PUSH_PLATFORMS: readonly PushPlatform[] = ['webpush', 'fcm', 'apns'];

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

export class WebPushKeysDto {
  @ApiProperty({ description: "The subscription's P-256 public key (base64url, 65 bytes uncompressed)" })
  @IsString()
  @Matches(BASE64URL, { message: 'p256dh must be base64url' })
  @TextLength(80, 100)
  p256dh!: string;

  @ApiProperty({ description: "The subscription's auth secret (base64url, 16 bytes)" })
  @IsString()
  @Matches(BASE64URL, { message: 'auth must be base64url' })
  @TextLength(16, 32)
  auth!: string;
}

/** What a browser's `PushSubscription.toJSON()` gives (its `expirationTime` is ignored). */
export class WebPushSubscriptionDto {
  @ApiProperty({ maxLength: 2048, description: "The push service's https URL for this browser" })
  @IsUrl(
    { protocols: ['https'], require_protocol: true, require_tld: false },
    { message: 'endpoint must be an https URL' },
  )
  @TextLength(1, 2048)
  endpoint!: string;

  @ApiProperty({ type: WebPushKeysDto })
  @IsDefined()
  @IsObject({ message: 'keys must be an object' })
  @ValidateNested()
  @Type(() => WebPushKeysDto)
  keys!: WebPushKeysDto;

  @ApiPropertyOptional({ nullable: true, description: 'Ignored' })
  @IsOptional()
  expirationTime?: unknown;
}

/**
 * `POST /devices`: `{ platform: "webpush", subscription }` or `{ platform: "fcm" | "apns", token }`,
 * with an optional name.
 */
export class DeviceRegisterDto {
  @ApiProperty({ enum: PUSH_PLATFORMS })
  @IsIn(PUSH_PLATFORMS, { message: `platform must be one of ${PUSH_PLATFORMS.join(', ')}` })
  platform!: PushPlatform;

  @ApiPropertyOptional({ type: WebPushSubscriptionDto, description: 'Web Push only' })
  @ValidateIf((dto: DeviceRegisterDto) => dto.platform === 'webpush' || dto.subscription !== undefined)
  @IsDefined({ message: 'subscription is required for webpush' })
  @IsObject({ message: 'subscription must be an object' })
  @ValidateNested()
  @Type(() => WebPushSubscriptionDto)
  subscription?: WebPushSubscriptionDto;

  @ApiPropertyOptional({
    maxLength: 4096,
    description: 'FCM: the registration token; APNs: the device token in hex',
  })
  @ValidateIf((dto: DeviceRegisterDto) => dto.platform === 'fcm' || dto.platform === 'apns' || dto.token !== undefined)
  @IsString({ message: 'token is required for fcm and apns' })
  @Matches(/^[A-Za-z0-9_:.-]+$/, { message: 'token must be letters, digits and _ : . -' })
  @TextLength(1, 4096)
  token?: string;

  @ApiPropertyOptional({ maxLength: 100, description: 'A name the user recognises, e.g. "Pixel 9"' })
  @IsOptional()
  @IsString()
  @TextLength(1, 100)
  name?: string;
}
