import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { MessageResponse } from '#src/conversations/dto/message.response.js';
import type { MessageView } from '#src/conversations/message.presenter.js';

/** A page by seq, as the message and thread-reply lists answer it. */
type MessagePage = { items: MessageView[]; hasMore: boolean };

@ApiSchema({
  name: 'MessagePage',
  description: 'Messages in ascending seq; paged by seq (before/after), not by cursor',
})
export class MessagePageResponse implements MessagePage {
  @ApiProperty({ type: [MessageResponse] })
  items!: MessageResponse[];

  @ApiProperty({
    description: 'More messages in the direction asked (older for before or the latest page, newer for after)',
  })
  hasMore!: boolean;
}
