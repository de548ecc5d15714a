import { Injectable } from '@nestjs/common';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import type { User } from '#src/generated/prisma/client.js';

export interface NewUser {
  email: string;
  username: string;
  passwordHash: string;
  displayName?: string;
}

/** Users' rows. Emails and usernames are stored lower-case, so their unique indexes ignore case. */
@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(id: string): Promise<User | null> {
    return this.prisma.user.findFirst({ where: { id, deletedAt: null } });
  }

  /** `login` is a lower-cased email or username. */
  findByLogin(login: string): Promise<User | null> {
    return this.prisma.user.findFirst({
      where: { deletedAt: null, OR: [{ email: login }, { username: login }] },
    });
  }

  /** Which of `email` and `username` already belong to someone (deleted accounts keep theirs). */
  async takenFields(email: string, username: string): Promise<{ email: boolean; username: boolean }> {
    const rows = await this.prisma.user.findMany({
      where: { OR: [{ email }, { username }] },
      select: { email: true, username: true },
    });
    return { email: rows.some((row) => row.email === email), username: rows.some((row) => row.username === username) };
  }

  create(user: NewUser): Promise<User> {
    return this.prisma.user.create({ data: user });
  }
}
