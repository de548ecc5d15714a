import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ItemList } from '#src/common/pagination/pagination.js';
import { MessageResponse } from '#src/conversations/dto/message.response.js';
import type { PinView } from '../pin.presenter.js';

@ApiSchema({ name: 'Pin' })
export class PinResponse implements PinView {
  @ApiProperty({ type: MessageResponse })
  message!: MessageResponse;

  @ApiProperty({ format: 'uuid' })
  pinnedBy!: string;

  @ApiProperty({ format: 'date-time' })
  pinnedAt!: string;
}

@ApiSchema({ name: 'Pins' })
export class PinsResponse implements ItemList<PinView> {
  @ApiProperty({ type: [PinResponse], maxItems: 50, description: 'Newest pin first' })
  items!: PinResponse[];
}
