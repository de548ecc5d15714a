import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { SessionView } from '../session.presenter.js';

@ApiSchema({ name: 'SessionDevice', description: 'What the client said about itself when signing in' })
export class SessionDeviceResponse {
  @ApiProperty({ type: String, nullable: true })
  name!: string | null;

  @ApiProperty({ type: String, nullable: true })
  type!: string | null;

  @ApiProperty({ type: String, nullable: true })
  os!: string | null;
}

@ApiSchema({ name: 'Session' })
export class SessionResponse implements SessionView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: SessionDeviceResponse })
  device!: SessionDeviceResponse;

  @ApiProperty({ type: String, nullable: true, description: 'The client address it signed in from' })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  lastActiveAt!: string;

  @ApiProperty({ description: 'The session of the token that asked' })
  current!: boolean;
}

@ApiSchema({ name: 'Sessions' })
export class SessionsResponse {
  @ApiProperty({ type: [SessionResponse] })
  items!: SessionResponse[];
}
