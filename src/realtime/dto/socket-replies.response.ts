import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ErrorCode } from '#src/common/errors/app-error.js';
import { serviceUnavailable, tooManyRequests, unauthorized } from '#src/common/errors/common.errors.js';

/** The `auth` ack: how long the connection now lives. */
@ApiSchema({ name: 'TokenRenewal' })
export class TokenRenewalResponse {
  @ApiProperty({ format: 'date-time', description: "When the connection's access token now expires" })
  expiresAt!: string;
}

/**
 * The codes SocketHandshake refuses with: a missing or bad credential, too many connections, or
 * tokens that cannot be checked right now.
 */
export const HANDSHAKE_REFUSAL_CODES: ErrorCode[] = [unauthorized(), tooManyRequests(''), serviceUnavailable('')].map(
  ({ code }) => code,
);

@ApiSchema({ name: 'ConnectRefusalData' })
export class ConnectRefusalDataResponse {
  @ApiProperty({ enum: HANDSHAKE_REFUSAL_CODES })
  code!: ErrorCode;

  @ApiProperty({ description: 'Why, for people' })
  message!: string;
}

/** A refused handshake as the client's `connect_error` sees it: an Error with `message` and `data`. */
@ApiSchema({ name: 'ConnectRefusal' })
export class ConnectRefusalResponse {
  @ApiProperty({ enum: HANDSHAKE_REFUSAL_CODES, description: 'The code, as in data.code' })
  message!: ErrorCode;

  @ApiProperty({ type: ConnectRefusalDataResponse })
  data!: ConnectRefusalDataResponse;
}
