import { Injectable } from '@nestjs/common';
import type { Prisma } from '#src/generated/prisma/client.js';

/** The account a role change is about, as locked for it. */
export interface RoleHolder {
  id: string;
  email: string;
  role: string;
}

/** The `role` column of users, for grants and revocations. */
@Injectable()
export class AdminRolesRepository {
  /** The active account with this (lower-cased) email, locked until the transaction ends: two changes of it take turns. */
  async lockByEmail(tx: Prisma.TransactionClient, email: string): Promise<RoleHolder | null> {
    const [row] = await tx.$queryRaw<RoleHolder[]>`
      SELECT id, email, role FROM users WHERE email = ${email} AND deleted_at IS NULL FOR NO KEY UPDATE`;
    return row ?? null;
  }

  async setRole(tx: Prisma.TransactionClient, userId: string, role: string): Promise<void> {
    await tx.user.update({ where: { id: userId }, data: { role } });
  }
}
