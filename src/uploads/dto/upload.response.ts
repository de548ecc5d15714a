import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { UploadView } from '../upload.presenter.js';
import type { UploadLinks, UploadTicket } from '../uploads.service.js';

@ApiSchema({ name: 'UploadTicket', description: 'Where and how to send the bytes of a declared upload' })
export class UploadTicketResponse implements UploadTicket {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    description: 'A presigned S3 URL, or with the local storage a path on this API to resolve against its origin',
  })
  uploadUrl!: string;

  @ApiProperty({ enum: ['PUT'] })
  method!: 'PUT' | 'GET';

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Send exactly these headers with the bytes (the Content-Type among them)',
  })
  headers!: Record<string, string>;

  @ApiProperty({ format: 'date-time', description: 'The link stops working 15 minutes after it was made' })
  expiresAt!: Date;
}

@ApiSchema({ name: 'Upload', description: 'A completed upload: what a message carrying it shows' })
export class UploadResponse implements UploadView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['ready'] })
  status!: 'ready';

  @ApiProperty()
  name!: string;

  @ApiProperty({ example: 'image/png', description: 'The type sniffed from the bytes' })
  mimeType!: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  size!: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Images only' })
  width?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Images only' })
  height?: number;

  @ApiProperty()
  hasThumbnail!: boolean;
}

@ApiSchema({ name: 'UploadLinks', description: 'Signed download links, valid for 5 minutes' })
export class UploadLinksResponse implements UploadLinks {
  @ApiProperty({ description: 'A presigned S3 URL, or with the local storage a path on this API' })
  url!: string;

  @ApiPropertyOptional({ description: 'Only when the upload has a thumbnail (WebP)' })
  thumbnailUrl?: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: Date;
}
