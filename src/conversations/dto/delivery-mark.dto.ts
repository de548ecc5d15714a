import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class DeliveryMarkDto {
  @ApiProperty({
    minimum: 0,
    description:
      "The seq of the last message that reached this device; the mark never moves back, nor past the conversation's last seq",
  })
  @IsInt()
  @Min(0)
  @Max(2147483647)
  seq!: number;
}
