import { Module } from '@nestjs/common';
import { OutboundHttp, OutboundSettings } from './outbound-http.service.js';

@Module({ providers: [OutboundHttp, OutboundSettings], exports: [OutboundHttp, OutboundSettings] })
export class OutboundModule {}
