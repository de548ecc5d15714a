import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class ReadMarkDto {
  @ApiProperty({ minimum: 0, description: 'The seq of the last message read; the mark never moves back' })
  @IsInt()
  @Min(0)
  @Max(2147483647)
  seq!: number;
}
