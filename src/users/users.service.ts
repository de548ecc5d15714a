import { Injectable } from '@nestjs/common';
import { AppError } from '#src/common/errors/app-error.js';
import type { User } from '#src/generated/prisma/client.js';
import { toUserMe, type UserMe } from './user.presenter.js';
import { UsersRepository, type NewUser } from './users.repository.js';

const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown }).code === 'P2002';

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  async me(userId: string): Promise<UserMe> {
    const user = await this.users.findById(userId);
    if (!user) throw new AppError(401, 'UNAUTHORIZED', 'The account no longer exists');
    return toUserMe(user);
  }

  /** The active account signing in with this email or username, if any. */
  findByLogin(login: string): Promise<User | null> {
    return this.users.findByLogin(login.trim().toLowerCase());
  }

  /** Creates the account; 409 `EMAIL_TAKEN` / `USERNAME_TAKEN` when either is in use, in any case. */
  async create(user: NewUser): Promise<User> {
    const normalized = { ...user, email: user.email.trim().toLowerCase(), username: user.username.toLowerCase() };
    await this.assertAvailable(normalized.email, normalized.username);
    try {
      return await this.users.create(normalized);
    } catch (error) {
      // Someone took the email or username between the check and the insert.
      if (isUniqueViolation(error)) await this.assertAvailable(normalized.email, normalized.username);
      throw error;
    }
  }

  private async assertAvailable(email: string, username: string): Promise<void> {
    const taken = await this.users.takenFields(email, username);
    if (taken.email) throw new AppError(409, 'EMAIL_TAKEN', 'This email is already registered');
    if (taken.username) throw new AppError(409, 'USERNAME_TAKEN', 'This username is taken');
  }
}
