import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { UploadCreateDto } from './dto/upload-create.dto.js';
import { UploadsService } from './uploads.service.js';

@ApiTags('uploads')
@ApiBearerAuth()
@Controller(`${API_PREFIX}/uploads`)
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Post()
  @RateLimit(WRITE_LIMITS.uploads)
  @ApiOperation({
    summary:
      'Declare an upload { name, mimeType, size } → 201 { id, uploadUrl, method: "PUT", headers, expiresAt }. ' +
      'Send the bytes to uploadUrl (resolved against this API when it is a path) with exactly those headers ' +
      'within 15 minutes, then POST /uploads/:id/complete. 413 over UPLOAD_MAX_BYTES; 422 UPLOAD_REJECTED for a ' +
      'type not in UPLOAD_ALLOWED_TYPES. Uploads never attached to a message are deleted after 24 hours.',
  })
  create(@Caller() caller: AuthContext, @Body() dto: UploadCreateDto) {
    return this.uploads.create(caller.userId, dto);
  }

  @Post(':id/complete')
  @RateLimit(WRITE_LIMITS.uploads)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Check what was sent: → { id, status: "ready", name, mimeType, size, width?, height?, hasThumbnail }. ' +
      'The stored size must be the declared one and the type sniffed from the bytes the declared one: ' +
      'otherwise 422 UPLOAD_REJECTED and the upload is deleted (declare it again). Images get width, height ' +
      'and a thumbnail (at most 320 px). Completing a ready upload again answers the same. Your own uploads only (404).',
  })
  complete(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.uploads.complete(caller.userId, id);
  }

  @Get(':id/url')
  @ApiOperation({
    summary:
      'Short-lived signed links { url, thumbnailUrl?, expiresAt } (5 minutes) for the uploader, and for members ' +
      'who can see a message that carries it (not after their hide point, a removal, a block between them and ' +
      'its sender, or once the message is deleted). 404 UPLOAD_NOT_FOUND for anyone else.',
  })
  links(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.uploads.links(caller.userId, id);
  }
}
