import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { DeliveryMarkView, ReceiptView } from '../receipts.service.js';

@ApiSchema({ name: 'DeliveryMark' })
export class DeliveryMarkResponse implements DeliveryMarkView {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ minimum: 0, description: 'Your delivery mark as shown: never below your read mark' })
  lastDeliveredSeq!: number;
}

@ApiSchema({ name: 'Receipt' })
export class ReceiptResponse implements ReceiptView {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ minimum: 0, description: 'Messages up to this seq are read' })
  lastReadSeq!: number;

  @ApiProperty({
    minimum: 0,
    description: 'Messages up to this seq reached one of their devices: the greater of the delivery and read marks',
  })
  lastDeliveredSeq!: number;
}

@ApiSchema({ name: 'Receipts' })
export class ReceiptsResponse {
  @ApiProperty({ type: [ReceiptResponse], maxItems: 500 })
  items!: ReceiptResponse[];
}
