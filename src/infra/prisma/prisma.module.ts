import { Global, Module } from '@nestjs/common';
import { DatabaseSettings, PrismaService } from './prisma.service.js';

@Global()
@Module({ providers: [PrismaService, DatabaseSettings], exports: [PrismaService] })
export class PrismaModule {}
