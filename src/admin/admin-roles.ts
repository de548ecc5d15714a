import { Injectable } from '@nestjs/common';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { AdminAccess } from './admin-access.js';
import { AdminRolesRepository } from './admin-roles.repository.js';
import { AuditRepository } from './audit.repository.js';

/** What a grant or a revocation did. */
export type RoleChangeOutcome =
  | { outcome: 'changed'; userId: string; role: string; stillAdmin: boolean }
  | { outcome: 'unchanged'; userId: string; role: string; stillAdmin: boolean }
  | { outcome: 'no-account' }
  | { outcome: 'bot' };

/**
 * The role a grant (`grant` true) or a revocation leaves, or why there is nothing to write. A bot
 * stays a bot: its API key is no admin's credential. Revoking a role that is not `admin` changes
 * nothing; ADMIN_EMAILS is not the role's business (see `stillAdmin`).
 */
export function nextRole(current: string, grant: boolean): { role: string } | 'unchanged' | 'bot' {
  if (current === 'bot') return grant ? 'bot' : 'unchanged';
  if (grant) return current === 'admin' ? 'unchanged' : { role: 'admin' };
  return current === 'admin' ? { role: 'user' } : 'unchanged';
}

/**
 * Granting and revoking the admin role (`npm run admin -- grant|revoke <email>`), each with its
 * audit row (actor null: the system, run by an operator) in the same transaction.
 */
@Injectable()
export class AdminRoles {
  constructor(
    private readonly prisma: PrismaService,
    private readonly roles: AdminRolesRepository,
    private readonly audit: AuditRepository,
    private readonly access: AdminAccess,
  ) {}

  grant(email: string): Promise<RoleChangeOutcome> {
    return this.change(email, true);
  }

  revoke(email: string): Promise<RoleChangeOutcome> {
    return this.change(email, false);
  }

  private change(email: string, grant: boolean): Promise<RoleChangeOutcome> {
    const normalized = email.trim().toLowerCase();
    return this.prisma.$transaction(async (tx) => {
      const user = await this.roles.lockByEmail(tx, normalized);
      if (!user) return { outcome: 'no-account' };
      const next = nextRole(user.role, grant);
      if (next === 'bot') return { outcome: 'bot' };
      if (next === 'unchanged') {
        return { outcome: 'unchanged', userId: user.id, role: user.role, stillAdmin: this.access.isAdminAccount(user) };
      }
      await this.roles.setRole(tx, user.id, next.role);
      await this.audit.record(tx, {
        actorId: null,
        action: grant ? 'admin.granted' : 'admin.revoked',
        targetType: 'user',
        targetId: user.id,
        details: { email: user.email, role: next.role, previousRole: user.role, via: 'cli' },
      });
      const stillAdmin = this.access.isAdminAccount({ email: user.email, role: next.role });
      return { outcome: 'changed', userId: user.id, role: next.role, stillAdmin };
    });
  }
}
