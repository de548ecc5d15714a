import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_PREFIX } from '#src/common/api.js';
import { Caller, type AuthContext } from '#src/common/auth/auth-context.js';
import { ApiErrors, ApiSignedIn } from '#src/common/decorators/api-errors.decorator.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { RateLimit } from '#src/infra/rate-limit/rate-limit.decorator.js';
import { WRITE_LIMITS } from '#src/infra/rate-limit/write-limits.js';
import { UploadCreateDto } from './dto/upload-create.dto.js';
import { UploadLinksResponse, UploadResponse, UploadTicketResponse } from './dto/upload.response.js';
import { UploadsService } from './uploads.service.js';

@ApiTags('uploads')
@ApiSignedIn()
@Controller(`${API_PREFIX}/uploads`)
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Post()
  @RateLimit(WRITE_LIMITS.uploads)
  @ApiOperation({
    summary: 'Declare an upload',
    description:
      '{ name, mimeType, size } → 201 { id, uploadUrl, method: "PUT", headers, expiresAt }. ' +
      'Send the bytes to uploadUrl (resolved against this API when it is a path) with exactly those headers ' +
      'within 15 minutes, then POST /uploads/:id/complete. 413 over UPLOAD_MAX_BYTES; 422 UPLOAD_REJECTED for a ' +
      'type not in UPLOAD_ALLOWED_TYPES. Uploads never attached to a message are deleted after 24 hours.',
  })
  @ApiCreatedResponse({ type: UploadTicketResponse })
  @ApiErrors(400, {
    413: 'PAYLOAD_TOO_LARGE: size over UPLOAD_MAX_BYTES',
    422: 'UPLOAD_REJECTED: mimeType not in UPLOAD_ALLOWED_TYPES',
  })
  create(@Caller() caller: AuthContext, @Body() dto: UploadCreateDto) {
    return this.uploads.create(caller.userId, dto);
  }

  @Post(':id/complete')
  @RateLimit(WRITE_LIMITS.uploads)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Complete an upload',
    description:
      'Check what was sent: → { id, status: "ready", name, mimeType, size, width?, height?, hasThumbnail }. ' +
      'The stored size must be the declared one and the type sniffed from the bytes the declared one: ' +
      'otherwise 422 UPLOAD_REJECTED and the upload is deleted (declare it again). Images get width, height ' +
      'and a thumbnail (at most 320 px). Completing a ready upload again answers the same. Your own uploads only (404).',
  })
  @ApiOkResponse({ type: UploadResponse })
  @ApiErrors(400, {
    404: 'UPLOAD_NOT_FOUND: not one of your uploads, or rejected',
    422: 'UPLOAD_REJECTED: nothing was sent, another size, or a type sniffed other than declared (the upload is deleted)',
  })
  complete(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.uploads.complete(caller.userId, id);
  }

  @Get(':id/url')
  @ApiOperation({
    summary: 'Signed links to an upload',
    description:
      'Short-lived signed links { url, thumbnailUrl?, expiresAt } (5 minutes) for the uploader, and for members ' +
      'who can see a message that carries it (not after their hide point, a removal, a block between them and ' +
      'its sender, or once the message is deleted). 404 UPLOAD_NOT_FOUND for anyone else.',
  })
  @ApiOkResponse({ type: UploadLinksResponse })
  @ApiErrors(400, { 404: 'UPLOAD_NOT_FOUND: neither yours nor on a message you can see' })
  links(@Caller() caller: AuthContext, @Param('id', uuidParam('id')) id: string) {
    return this.uploads.links(caller.userId, id);
  }
}
