import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiErrors, ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { DevicesService } from './devices.service.js';
import { DeviceRegisterDto } from './dto/device-register.dto.js';
import { DeviceResponse, DevicesResponse } from './dto/device.response.js';

@ApiTags('devices')
@ApiSignedIn()
@Controller(`${API_PREFIX}/devices`)
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Post()
  @RateLimit(WRITE_LIMITS.accountChanges)
  @ApiOperation({
    summary: "Register this session's device for pushes",
    description:
      '{ platform: "webpush", subscription: { endpoint, keys: { p256dh, auth } } } ' +
      'or { platform: "fcm" | "apns", token }, name? → 201 { id, platform, name, createdAt }. The device belongs to ' +
      'the session that registered it and goes when the session ends (logout, revocation, expiry). Registering the ' +
      'same subscription or token again moves it to this session and keeps one row; registered by another user, it ' +
      'is theirs from then on. At most 20 per user: one more replaces the oldest. 400 when the platform is not ' +
      'configured on this server, or a Web Push endpoint is a private address.',
  })
  @ApiCreatedResponse({ type: DeviceResponse })
  @ApiErrors({
    400: 'VALIDATION_FAILED: a bad body, a platform not configured here, or a Web Push endpoint at a private address',
  })
  register(@Caller() caller: AuthContext, @Body() dto: DeviceRegisterDto) {
    return this.devices.register(caller, dto);
  }

  @Get()
  @ApiOperation({
    summary: 'Your devices',
    description: 'Those on sessions still active, newest first.',
  })
  @ApiOkResponse({ type: DevicesResponse })
  list(@Caller() caller: AuthContext) {
    return this.devices.list(caller.userId);
  }

  @Delete(':id')
  @RateLimit(WRITE_LIMITS.accountChanges)
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop pushes to one of your devices' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(400, { 404: 'DEVICE_NOT_FOUND: not yours' })
  remove(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.devices.remove(caller.userId, id);
  }
}
