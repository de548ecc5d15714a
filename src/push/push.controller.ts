import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Public } from '#src/common/decorators/public.decorator.js';
import { VapidPublicKeyResponse } from './dto/device.response.js';
import { VAPID_PUBLIC_KEY } from './providers/push-providers.module.js';

@ApiTags('devices')
@Controller(`${API_PREFIX}/push`)
export class PushController {
  constructor(@Inject(VAPID_PUBLIC_KEY) private readonly vapidPublicKey: string | null) {}

  @Get('vapid-public-key')
  @Public()
  @ApiOperation({
    summary: 'The Web Push public key',
    description:
      'The application server key browsers subscribe with (`applicationServerKey`): { publicKey } ' +
      '(base64url), or { publicKey: null } when Web Push is not configured on this server.',
  })
  @ApiOkResponse({ type: VapidPublicKeyResponse })
  publicKey(): { publicKey: string | null } {
    return { publicKey: this.vapidPublicKey };
  }
}
