import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ItemList } from '#src/common/pagination/pagination.js';
import type { SessionView } from '../session.presenter.js';

type SessionDevice = SessionView['device'];

@ApiSchema({ name: 'SessionDevice', description: 'What the client said about itself when signing in' })
export class SessionDeviceResponse implements SessionDevice {
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
export class SessionsResponse implements ItemList<SessionView> {
  @ApiProperty({ type: [SessionResponse] })
  items!: SessionResponse[];
}
