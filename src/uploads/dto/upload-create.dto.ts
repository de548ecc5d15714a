import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { TextLength } from '#src/common/validation/text-length.js';

/** No control characters and no path separators: a name is shown and saved as it is. */
const FILE_NAME = /^[^\p{Cc}/\\]+$/u;

/** The uploads table keeps sizes as PostgreSQL `integer`: UPLOAD_MAX_BYTES may allow more, the row cannot. */
const SIZE_MAX = 2_147_483_647;

/** `POST /uploads`: what the client is about to send. */
export class UploadCreateDto {
  @ApiProperty({ minLength: 1, maxLength: 255, example: 'holiday.jpg' })
  @IsString()
  @TextLength(1, 255)
  @Matches(FILE_NAME, { message: 'name must not contain control characters, / or \\' })
  name!: string;

  @ApiProperty({ example: 'image/jpeg', maxLength: 127, description: 'Checked against the bytes at completion' })
  @IsString()
  @TextLength(3, 127)
  @Matches(/^[a-z0-9][\w.+-]*\/[\w.+-]+$/i, { message: 'mimeType must look like type/subtype' })
  mimeType!: string;

  @ApiProperty({ minimum: 1, maximum: SIZE_MAX, description: 'Bytes; at most UPLOAD_MAX_BYTES (413 beyond)' })
  @IsInt()
  @Min(1)
  @Max(SIZE_MAX)
  size!: number;
}
