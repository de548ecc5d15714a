// System admins, on the database DATABASE_URL names (docs/admin.md):
//   grant <email>    make the account an admin (role `admin`)
//   revoke <email>   make it a plain user again
// Each change is written with its audit row (actor null) in one transaction, and counts at once on
// every instance: the admin guard reads the role from PostgreSQL on each request.
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { AdminAccess, AdminSettings } from '#src/admin/admin-access.js';
import { AdminRoles, type RoleChangeOutcome } from '#src/admin/admin-roles.js';
import { AdminRolesRepository } from '#src/admin/admin-roles.repository.js';
import { AuditRepository } from '#src/admin/audit.repository.js';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { validateEnv } from '#src/infra/config/env.validate.js';
import { DatabaseSettings, PrismaService } from '#src/infra/prisma/prisma.service.js';

const USAGE = 'usage: admin grant <email> | admin revoke <email>';

function describe(
  command: 'grant' | 'revoke',
  email: string,
  result: RoleChangeOutcome,
): { code: number; text: string } {
  switch (result.outcome) {
    case 'no-account':
      return { code: 1, text: `No active account has the email ${email}` };
    case 'bot':
      return { code: 1, text: `${email} is a bot account: bots cannot be admins` };
    case 'unchanged':
    case 'changed': {
      const done = result.outcome === 'changed' ? 'is now' : 'was already';
      const role = `${email} ${done} role ${result.role}`;
      // The role is not all there is: ADMIN_EMAILS keeps an account an admin whatever its role says.
      if (command === 'revoke' && result.stillAdmin) {
        return { code: 0, text: `${role}, but stays an admin while ADMIN_EMAILS lists it` };
      }
      return { code: 0, text: role };
    }
  }
}

async function main(): Promise<number> {
  const [command, email, ...rest] = process.argv.slice(2);
  if ((command !== 'grant' && command !== 'revoke') || !email || rest.length > 0) {
    console.error(USAGE);
    return 2;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = validateEnv(process.env);
  if (!env.DATABASE_URL) {
    console.error(
      'DATABASE_URL is required. The embedded database belongs to its running server: list the email in ADMIN_EMAILS instead.',
    );
    return 2;
  }
  // Only the database and ADMIN_EMAILS settings are read; the rest of the configuration is not needed.
  const config = { ...env, DATABASE_URL: env.DATABASE_URL } as AppConfig;
  const prisma = new PrismaService(new DatabaseSettings(config));
  try {
    const access = new AdminAccess(prisma, new AdminSettings(config));
    const roles = new AdminRoles(prisma, new AdminRolesRepository(), new AuditRepository(prisma), access);
    const result = command === 'grant' ? await roles.grant(email) : await roles.revoke(email);
    const { code, text } = describe(command, email.trim().toLowerCase(), result);
    (code === 0 ? console.log : console.error)(text);
    return code;
  } finally {
    await prisma.onModuleDestroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
