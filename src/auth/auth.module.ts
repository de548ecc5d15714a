import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { UsersModule } from '#src/users/users.module.js';
import { AccessTokenGuard } from './access-token.guard.js';
import { AccountController } from './account.controller.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { AuthController } from './auth.controller.js';
import { AuthMetrics } from './auth.metrics.js';
import { AuthService } from './auth.service.js';
import { BotKeyCache, BotKeyCacheSettings } from './bot-key-cache.js';
import { BotKeysRepository } from './bot-keys.repository.js';
import { BotKeys } from './bot-keys.service.js';
import { LoginAttempts } from './login-attempts.js';
import { PasswordHasher } from './password-hasher.js';
import { RefreshLimitGuard } from './refresh-limit.guard.js';
import { SessionStateService, SessionStateSettings } from './session-state.service.js';
import { SessionRepository } from './session.repository.js';
import { SessionSettings, SessionsService } from './sessions.service.js';
import { TokenSettings, TokensService } from './tokens.service.js';

@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      extraProviders: [TokenSettings],
      inject: [TokenSettings],
      useFactory: (settings: TokenSettings) => ({
        // A KeyObject made once: given a string, jsonwebtoken converts it on every sign and verify,
        // first trying to parse it as a public key (a thrown error each time), which cost a fifth
        // of the CPU of a cached read.
        secret: createSecretKey(Buffer.from(settings.JWT_SECRET)),
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
    BotKeyCache,
    BotKeyCacheSettings,
    BotKeys,
    BotKeysRepository,
    LoginAttempts,
    PasswordHasher,
    RefreshLimitGuard,
    SessionRepository,
    SessionStateService,
    SessionStateSettings,
    SessionsService,
    SessionSettings,
    TokensService,
    TokenSettings,
    { provide: APP_GUARD, useClass: AccessTokenGuard },
  ],
  exports: [AccessTokenVerifier, BotKeys, SessionsService],
})
export class AuthModule {}
