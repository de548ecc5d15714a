import { Global, Module } from '@nestjs/common';
import { ChatEvents } from './chat-events.js';

@Global()
@Module({ providers: [ChatEvents], exports: [ChatEvents] })
export class EventsModule {}
