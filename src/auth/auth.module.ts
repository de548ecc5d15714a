import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import type { AppConfig } from '#src/infra/config/app-config.js';
import { UsersModule } from '#src/users/users.module.js';
import { AccessTokenGuard } from './access-token.guard.js';
import { AccountController } from './account.controller.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { AuthController } from './auth.controller.js';
import { AuthMetrics } from './auth.metrics.js';
import { AuthService } from './auth.service.js';
import { LoginAttempts } from './login-attempts.js';
import { PasswordHasher } from './password-hasher.js';
import { RefreshLimitGuard } from './refresh-limit.guard.js';
import { SessionStateService } from './session-state.service.js';
import { SessionRepository } from './session.repository.js';
import { SessionsService } from './sessions.service.js';
import { TokensService } from './tokens.service.js';

@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => ({
        // A KeyObject made once: given a string, jsonwebtoken converts it on every sign and verify,
        // first trying to parse it as a public key (a thrown error each time), which cost a fifth
        // of the CPU of a cached read.
        secret: createSecretKey(Buffer.from(config.get('JWT_SECRET', { infer: true }))),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, AccountController],
  providers: [
    AuthService,
    AuthMetrics,
    AccessTokenVerifier,
    LoginAttempts,
    PasswordHasher,
    RefreshLimitGuard,
    SessionRepository,
    SessionStateService,
    SessionsService,
    TokensService,
    { provide: APP_GUARD, useClass: AccessTokenGuard },
  ],
  exports: [AccessTokenVerifier, SessionsService],
})
export class AuthModule {}
