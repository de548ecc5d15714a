import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../webhook-event-types.js';
import type { DeliveryStatus } from '../webhook-deliveries.repository.js';
import type { CreatedWebhookView, DeliveryView, WebhookView } from '../webhook.presenter.js';

@ApiSchema({ name: 'Webhook' })
export class WebhookResponse implements WebhookView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ maxLength: 2048 })
  url!: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  events!: WebhookEventType[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

@ApiSchema({ name: 'CreatedWebhook' })
export class CreatedWebhookResponse extends WebhookResponse implements CreatedWebhookView {
  @ApiProperty({
    example: 'whsec_hJpWaGzDo0DEosoPRR7xwO+pEP6gb0V0mN9gkxVTjXQ=',
    description: 'whsec_ + base64 of 32 random bytes: the HMAC key is the base64-decoded part. Shown only here',
  })
  secret!: string;
}

@ApiSchema({ name: 'Webhooks' })
export class WebhooksResponse {
  @ApiProperty({ type: [WebhookResponse], maxItems: 50 })
  items!: WebhookResponse[];
}

@ApiSchema({ name: 'WebhookDelivery' })
export class DeliveryResponse implements DeliveryView {
  @ApiProperty({ format: 'uuid', description: 'The webhook-id header, the same on every attempt' })
  id!: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES })
  type!: WebhookEventType;

  @ApiProperty({
    enum: ['pending', 'delivered', 'failed'],
    description: 'pending: to be attempted (again); delivered: a 2xx answer; failed: given up 24 h after the event',
  })
  status!: DeliveryStatus;

  @ApiProperty({ minimum: 0, description: 'Attempts begun so far' })
  attempts!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'The status of the last answer; null when there was none' })
  lastStatusCode!: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 500,
    description: 'Why the last attempt failed (answered 500, timeout: …, network: …); null once delivered',
  })
  lastError!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null once delivered or failed' })
  nextAttemptAt!: string | null;
}

@ApiSchema({ name: 'WebhookDeliveries' })
export class DeliveriesResponse {
  @ApiProperty({ type: [DeliveryResponse] })
  items!: DeliveryResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next (older) page' })
  nextCursor!: string | null;
}
