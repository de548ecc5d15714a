import { Module } from '@nestjs/common';
import { BlocksRepository } from './blocks.repository.js';
import { BlocksService } from './blocks.service.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, BlocksRepository, BlocksService],
  exports: [UsersService, BlocksService],
})
export class UsersModule {}
