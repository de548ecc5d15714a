import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

/** `PATCH /conversations/:id/members/:userId`: the owner makes a member an admin, or back. */
export class MemberRoleDto {
  @ApiProperty({ enum: ['admin', 'member'] })
  @IsIn(['admin', 'member'])
  role!: 'admin' | 'member';
}
