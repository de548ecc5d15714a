import { Controller, Get, HttpCode, Param, Put, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { ERROR_BODY } from '#src/common/api.js';
import { Public } from '#src/common/decorators/public.decorator.js';
import { STREAMED_BODY } from '#src/infra/http/streamed-body.js';
import { STORAGE_ROUTE } from './local-storage-links.js';
import { LocalStorageService } from './local-storage.service.js';

/**
 * The local driver's signed links (STORAGE_DRIVER=local). Public: the signature in the query is the
 * authorisation. The links are relative (`/api/v1/storage/…`): clients resolve them against the
 * API's origin. With STORAGE_DRIVER=s3 these routes answer 404.
 */
@ApiTags('storage')
@Controller(STORAGE_ROUTE)
export class StorageController {
  constructor(private readonly storage: LocalStorageService) {}

  @Put(':kind/:id')
  @Public()
  @RouteConfig({ [STREAMED_BODY]: true })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Upload the bytes of a signed upload link',
    description:
      'To the `uploadUrl` of POST /uploads (a path to resolve against the ' +
      "API's origin), with the link's `headers` (its Content-Type). The body is any content type, streamed to " +
      'disk. 403 LINK_INVALID for a tampered, expired or download link, or another Content-Type; 413 ' +
      'PAYLOAD_TOO_LARGE as soon as more bytes than signed (or UPLOAD_MAX_BYTES) arrive, or Content-Length says ' +
      'so; nothing is kept then. 409 CONFLICT when something is already stored there (a link is used once). ' +
      '404 when the server does not use the local storage.',
  })
  @ApiBadRequestResponse({
    description: 'BAD_REQUEST: the body ended before its Content-Length; BAD_URL: a path not validly percent-encoded',
    ...ERROR_BODY,
  })
  @ApiConflictResponse({ description: 'CONFLICT: an object is already stored under this key', ...ERROR_BODY })
  @ApiNoContentResponse({ description: 'Stored' })
  @ApiForbiddenResponse({
    description: 'LINK_INVALID: tampered, expired, a download link, another Content-Type',
    ...ERROR_BODY,
  })
  @ApiPayloadTooLargeResponse({ description: 'PAYLOAD_TOO_LARGE: more than signed or UPLOAD_MAX_BYTES', ...ERROR_BODY })
  @ApiNotFoundResponse({
    description: 'NOT_FOUND: not a storage key, or the server stores uploads in S3',
    ...ERROR_BODY,
  })
  async upload(
    @Param('kind') kind: string,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    try {
      await this.storage.receive(kind, id, {
        query: request.query,
        contentType: request.raw.headers['content-type'],
        contentLength: request.raw.headers['content-length'],
        body: request.body as Readable,
      });
    } catch (error) {
      // The rest of the body may still be on its way: answer, then close rather than read it.
      void reply.header('connection', 'close');
      throw error;
    }
  }

  @Get(':kind/:id')
  @Public()
  @ApiOperation({
    summary: 'Download through a signed link',
    description:
      'The `url` of GET /uploads/:id/url: the bytes with the signed Content-Type, ' +
      "Content-Disposition (inline for PNG, JPEG, GIF, WebP and AVIF images, attachment otherwise, with the file's " +
      "name), X-Content-Type-Options: nosniff, Content-Security-Policy: sandbox; default-src 'none' and " +
      "Cache-Control: private for the rest of the link's life. 403 LINK_INVALID for a tampered, expired or upload " +
      'link; 404 when nothing is stored (any more).',
  })
  @ApiOkResponse({
    description: 'The stored bytes, with the Content-Type the link was signed for',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiBadRequestResponse({ description: 'BAD_URL: a path not validly percent-encoded', ...ERROR_BODY })
  @ApiForbiddenResponse({ description: 'LINK_INVALID: tampered, expired, or an upload link', ...ERROR_BODY })
  @ApiNotFoundResponse({
    description: 'NOT_FOUND: nothing stored (any more), or the server stores uploads in S3',
    ...ERROR_BODY,
  })
  async download(
    @Param('kind') kind: string,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Readable> {
    const download = await this.storage.open(kind, id, request.query);
    void reply.headers(download.headers);
    return download.stream;
  }
}
