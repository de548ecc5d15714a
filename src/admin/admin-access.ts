import { applyDecorators, Injectable, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '#src/common/auth/auth-context.js';
import { NotForBots } from '#src/common/decorators/not-for-bots.decorator.js';
import { forbidden } from '#src/common/errors/common.errors.js';
import { configSlice } from '#src/infra/config/config-slice.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';

export class AdminSettings extends configSlice('ADMIN_EMAILS') {}

/** The emails of ADMIN_EMAILS, lower-cased. */
export const adminEmails = (setting: string): string[] =>
  setting
    .split(',')
    .map((email) => email.trim().toLowerCase())
    .filter(Boolean);

export const notAdmin = () => forbidden('Only system admins may do this');

/** Who is a system admin: role `admin` on the user row, or an email listed in ADMIN_EMAILS (never a bot). */
@Injectable()
export class AdminAccess {
  private readonly emails: string[];

  constructor(
    private readonly prisma: PrismaService,
    settings: AdminSettings,
  ) {
    this.emails = adminEmails(settings.ADMIN_EMAILS);
  }

  async isAdmin(userId: string): Promise<boolean> {
    const user = await this.prisma.user.findFirst({
      where: { id: userId, deletedAt: null },
      select: { role: true, email: true },
    });
    return !!user && this.isAdminAccount(user);
  }

  /** The rule itself, for a user row already read (a deleted account is no admin: see `isAdmin`). */
  isAdminAccount(user: { role: string; email: string }): boolean {
    // A bot is never an admin, whatever ADMIN_EMAILS lists: its key must not reach /admin routes.
    if (user.role === 'bot') return false;
    return user.role === 'admin' || this.emails.includes(user.email.toLowerCase());
  }
}

/**
 * On every `/admin` controller, after the global access-token guard: 403 `FORBIDDEN` for a caller
 * who is not a system admin. Read from PostgreSQL on each request, so a grant or a revocation
 * counts at once on every instance.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly access: AdminAccess) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
    if (!auth || !(await this.access.isAdmin(auth.userId))) throw notAdmin();
    return true;
  }
}

/**
 * On every `/admin` controller: system admins only. A bot's key is refused before anything else
 * (and the OpenAPI document offers no bot scheme there); anyone else not an admin gets 403.
 */
export const AdminOnly = () => applyDecorators(NotForBots(), UseGuards(AdminGuard));
