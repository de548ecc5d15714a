import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  type ValidationArguments,
} from 'class-validator';
import { MAX_PROXY_HOPS, parseTrustProxy, type TrustProxySetting } from '#src/infra/http/client-address.js';
import { readApnsKey } from '#src/push/providers/apns-key.js';
import { DEFAULT_ALLOWED_TYPES, parseAllowedTypes } from '#src/uploads/media/allowed-types.js';
import {
  readServiceAccount,
  type FcmServiceAccount,
  type UnreadableSetting,
} from '#src/push/providers/fcm-service-account.js';

const STORAGE_DRIVERS = ['local', 's3'] as const;
export type StorageDriverName = (typeof STORAGE_DRIVERS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `true/false/1/0/yes/no` (any case) to a boolean; anything else is left for the validator to reject. */
const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;
  return value;
};

/** `host:port[,host:port…]`; a host may be a name, an IPv4 address or a bracketed IPv6 address. */
const HOST_PORT_LIST =
  /^\s*(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}(\s*,\s*(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5})*\s*$/;

const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** An integer read from a string, within [min, max]; one message says all of it. */
function IntegerSetting(
  min: number,
  max: number,
  unit: 'port' | 'milliseconds' | 'seconds' | 'hours' | 'days' | 'bytes' | 'count',
) {
  const noun = {
    port: 'port number',
    milliseconds: 'number of milliseconds',
    seconds: 'number of seconds',
    hours: 'number of hours',
    days: 'number of days',
    bytes: 'number of bytes',
    count: 'number',
  }[unit];
  const message = `must be an integer ${noun} between ${min} and ${max}`;
  return applyDecorators(Transform(toInteger), IsInt({ message }), Min(min, { message }), Max(max, { message }));
}

const isUnreadable = (value: unknown): value is UnreadableSetting =>
  typeof value === 'object' && value !== null && 'unreadable' in value;

/**
 * A setting holding a value or the path of a file with it, read at start by `read`; the message
 * says why it could not be used, never what it holds (a private key).
 */
function ReadSetting(read: (text: string) => unknown, expected: string) {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? read(value) : value)),
    ValidateBy(
      { name: 'readSetting', validator: { validate: (value) => !isUnreadable(value) } },
      {
        message: ({ value }: ValidationArguments) =>
          `must be ${expected}: it ${(value as UnreadableSetting).unreadable}`,
      },
    ),
  );
}

/** Settings that work only together: the one set names those missing, instead of being ignored. */
function SetTogether(...names: string[]) {
  const missing = ({ object }: ValidationArguments) =>
    names.filter((name) => (object as Record<string, unknown>)[name] === undefined);
  return ValidateBy(
    { name: 'setTogether', validator: { validate: (_value, args) => missing(args!).length === 0 } },
    { message: (args: ValidationArguments) => `needs ${missing(args).join(', ')} as well` },
  );
}

/** A VAPID key: unpadded base64url of `bytes` bytes (the public one an uncompressed P-256 point). */
const vapidKey = (bytes: number) =>
  ValidateBy(
    {
      name: 'vapidKey',
      validator: {
        validate: (value) =>
          typeof value === 'string' &&
          /^[A-Za-z0-9_-]+$/.test(value) &&
          Buffer.from(value, 'base64url').length === bytes &&
          (bytes !== 65 || Buffer.from(value, 'base64url')[0] === 4),
      },
    },
    { message: `must be a base64url VAPID key of ${bytes} bytes (npx web-push generate-vapid-keys)` },
  );

/**
 * Every environment variable the service reads, with its default. `.env.example` documents each one.
 * Messages name what is expected; the variable name is added by `validateEnv`.
 */
export class EnvSchema {
  @IsIn(['development', 'production', 'test'], { message: 'must be one of development, production, test' })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IntegerSetting(0, 65535, 'port')
  PORT = 3000;

  @IsString()
  @MinLength(1, { message: 'must be a host name or address to listen on' })
  HOST = '0.0.0.0';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgresql:// connection URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/.*/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /**
   * Redis Sentinel instead of one server: each sentinel's `host:port`, comma-separated, with
   * REDIS_SENTINEL_NAME. REDIS_URL, if set, then supplies only the password, TLS and database.
   */
  @IsOptional()
  @Matches(HOST_PORT_LIST, { message: 'must be a comma-separated list of host:port' })
  REDIS_SENTINELS?: string;

  /** The name of the master the sentinels watch (their `sentinel monitor <name>`). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,128}$/, { message: 'must be a master name (letters, digits, _ . -)' })
  REDIS_SENTINEL_NAME?: string;

  /**
   * Redis Cluster instead of one server: `host:port` of some of its nodes, comma-separated (the
   * others are discovered). REDIS_URL, if set, then supplies only the password and TLS.
   */
  @IsOptional()
  @Matches(HOST_PORT_LIST, { message: 'must be a comma-separated list of host:port' })
  REDIS_CLUSTER_NODES?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Lifetime of access tokens (JWT). */
  @IntegerSetting(60, 86400, 'seconds')
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /** A session whose refresh token is not used for this long expires. */
  @IntegerSetting(1, 365, 'days')
  REFRESH_TOKEN_TTL_DAYS = 30;

  /**
   * A refresh token used again this soon after its first use (two tabs refreshing at once) is
   * answered 401 REFRESH_TOKEN_ALREADY_USED and leaves the session alone; later, it revokes it. 0: no grace.
   */
  @IntegerSetting(0, 300, 'seconds')
  REFRESH_REUSE_GRACE_SECONDS = 10;

  /** Signed-in devices per user; signing in on one more revokes the oldest. */
  @IntegerSetting(1, 100, 'count')
  SESSIONS_MAX_PER_USER = 10;

  /**
   * Comma-separated emails whose accounts are system admins (every `/admin` route), besides those
   * granted with `npm run admin -- grant <email>`. Compared without case.
   */
  @Matches(/^([^\s,@]+@[^\s,@]+(\s*,\s*[^\s,@]+@[^\s,@]+)*)?$/, { message: 'must be a comma-separated list of emails' })
  ADMIN_EMAILS = '';

  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  CACHE_ENABLED = true;

  /** How long a user's public profile stays cached (it is also invalidated on every change). */
  @IntegerSetting(1, 86400, 'seconds')
  USER_PROFILE_CACHE_TTL_SECONDS = 300;

  /** How long a user's conversation list and unread counts stay cached (every change also invalidates them). */
  @IntegerSetting(1, 86400, 'seconds')
  CONVERSATION_LIST_CACHE_TTL_SECONDS = 120;

  /** How long a conversation's metadata and latest messages stay cached (every change also updates them). */
  @IntegerSetting(1, 604800, 'seconds')
  CONVERSATION_CACHE_TTL_SECONDS = 86400;

  /**
   * How long the session a bot's API key belongs to stays cached by the key's hash. Deleting the bot
   * invalidates it; the key's session is checked for revocation on every request whatever this says.
   */
  @IntegerSetting(1, 86400, 'seconds')
  BOT_KEY_CACHE_TTL_SECONDS = 600;

  /**
   * Cache entries one instance rebuilds per second after Redis comes back (its connected users'
   * lists, its busiest conversations' latest messages), so a Redis that lost its data is refilled
   * without a stampede on PostgreSQL.
   */
  @IntegerSetting(1, 10000, 'count')
  CACHE_WARM_PER_SECOND = 50;

  /** Largest Socket.IO message a client may send; a larger one closes its connection. */
  @IntegerSetting(1024, 10485760, 'bytes')
  SOCKET_MAX_PAYLOAD_BYTES = 65536;

  /**
   * WebSocket compression (permessage-deflate) of frames over 1 KB. Off by default: it costs CPU and
   * memory per socket for a gain only on large messages (docs/benchmark.md).
   */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  SOCKET_PER_MESSAGE_DEFLATE = false;

  /** Open sockets per user across all instances; one more is refused with `RATE_LIMITED`. */
  @IntegerSetting(1, 1000, 'count')
  SOCKETS_MAX_PER_USER = 10;

  /** Events one socket may send per second (bursts of twice as many are let through). */
  @IntegerSetting(1, 10000, 'count')
  SOCKET_EVENTS_PER_SECOND = 20;

  /** Messages one user may send per minute, over REST and sockets together (docs/api.md: 30). */
  @IntegerSetting(1, 1000000, 'count')
  MESSAGES_PER_MINUTE_PER_USER = 30;

  /** Edits and deletions of messages one user may make per minute. */
  @IntegerSetting(1, 1000000, 'count')
  MESSAGE_CHANGES_PER_MINUTE_PER_USER = 60;

  /** Reactions one user may add or remove per minute. */
  @IntegerSetting(1, 1000000, 'count')
  REACTIONS_PER_MINUTE_PER_USER = 60;

  /** Pins and unpins one user may make per minute. */
  @IntegerSetting(1, 1000000, 'count')
  PINS_PER_MINUTE_PER_USER = 30;

  /** Read marks (conversations over REST and sockets, and notifications) one user may set per minute. */
  @IntegerSetting(1, 1000000, 'count')
  READ_MARKS_PER_MINUTE_PER_USER = 300;

  /** Delivery marks (conversations over REST and sockets) one user may set per minute. */
  @IntegerSetting(1, 1000000, 'count')
  DELIVERY_MARKS_PER_MINUTE_PER_USER = 1200;

  /** Direct conversations one user may open and groups they may create per minute. */
  @IntegerSetting(1, 1000000, 'count')
  CONVERSATIONS_PER_MINUTE_PER_USER = 20;

  /** Member, role, request (accept/decline), hide, title and mute changes one user may make per minute. */
  @IntegerSetting(1, 1000000, 'count')
  MEMBER_CHANGES_PER_MINUTE_PER_USER = 60;

  /** Bans and moderation mutes, placed or lifted, one group owner or admin may make per minute (docs/moderation.md). */
  @IntegerSetting(1, 1000000, 'count')
  BANS_AND_MUTES_PER_MINUTE_PER_USER = 30;

  /** Profile and status changes, blocks, session revocations and account deletion per user per minute. */
  @IntegerSetting(1, 1000000, 'count')
  ACCOUNT_CHANGES_PER_MINUTE_PER_USER = 30;

  /** Presence lookups (REST and `presence.query`) one user may make per minute. */
  @IntegerSetting(1, 1000000, 'count')
  PRESENCE_READS_PER_MINUTE_PER_USER = 120;

  /** Syncs (REST and the `sync` event) one user may run per minute: a reconnect syncs each conversation. */
  @IntegerSetting(1, 1000000, 'count')
  SYNCS_PER_MINUTE_PER_USER = 600;

  /** Message searches one user may run per minute. */
  @IntegerSetting(1, 1000000, 'count')
  SEARCHES_PER_MINUTE_PER_USER = 60;

  /** Reports (`POST /reports`) one user may file per minute. */
  @IntegerSetting(1, 1000000, 'count')
  REPORTS_PER_MINUTE_PER_USER = 10;

  /** Suspensions, unsuspensions, report resolutions and admin deletions one admin may make per minute. */
  @IntegerSetting(1, 1000000, 'count')
  ADMIN_ACTIONS_PER_MINUTE_PER_USER = 120;

  /** `typing.start` and `typing.stop` events one user may send per minute. */
  @IntegerSetting(1, 1000000, 'count')
  TYPING_EVENTS_PER_MINUTE_PER_USER = 120;

  /** Webhooks one admin may create and delete per minute. */
  @IntegerSetting(1, 1000000, 'count')
  WEBHOOK_CHANGES_PER_MINUTE_PER_USER = 30;

  /** Uploads declared and completed per user per minute. */
  @IntegerSetting(1, 1000000, 'count')
  UPLOADS_PER_MINUTE_PER_USER = 30;

  /** Bots created and deleted per admin per minute. */
  @IntegerSetting(1, 1000000, 'count')
  BOT_CHANGES_PER_MINUTE_PER_USER = 30;
  /** Requests for an archive of one's data (`POST /users/me/export`) per user per minute. */
  @IntegerSetting(1, 1000000, 'count')
  EXPORTS_PER_MINUTE_PER_USER = 2;

  /** An instance that has not renewed its presence for this long is dead: its users go offline. */
  @IntegerSetting(3, 3600, 'seconds')
  PRESENCE_TTL_SECONDS = 90;

  /** How often an instance renews its presence, looks for dead instances and clears expired statuses. */
  @IntegerSetting(1, 600, 'seconds')
  PRESENCE_HEARTBEAT_SECONDS = 30;

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  /**
   * Which proxies in front may name the client in X-Forwarded-For: `false`, `true`/`1` (the
   * nearest, one hop), a number of hops, or a comma-separated list of proxy addresses/CIDR ranges.
   */
  @Transform(({ value }: { value: unknown }) => parseTrustProxy(value) ?? value)
  @ValidateBy(
    {
      name: 'trustProxy',
      validator: { validate: (value) => typeof value !== 'string' && parseTrustProxy(value) !== undefined },
    },
    {
      message: `must be true, false, a number of proxy hops (0-${MAX_PROXY_HOPS}) or a comma-separated list of proxy addresses or CIDR ranges`,
    },
  )
  TRUST_PROXY: TrustProxySetting = false;

  @IsString()
  @MinLength(1, { message: 'must be a directory path' })
  EMBEDDED_DATA_DIR = '.data';

  /**
   * The built web app served at /app (index.html and assets/). Unset: packages/web/dist of the
   * project, wherever the process was started from.
   */
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'must be a directory path' })
  WEB_APP_DIR?: string = undefined;

  /**
   * Browser origins allowed to call the API and open sockets (CORS): a comma-separated list of
   * `http(s)://host[:port]`, or `*` for any. Empty: no cross-origin access.
   */
  @Matches(/^(\*|(https?:\/\/[^\s,/]+)(\s*,\s*https?:\/\/[^\s,/]+)*)?$/, {
    message: 'must be * or a comma-separated list of http(s)://host[:port] origins',
  })
  CORS_ORIGINS = '';

  @IntegerSetting(1, 200, 'count')
  DATABASE_POOL_MAX = 10;

  @IntegerSetting(100, 60000, 'milliseconds')
  DATABASE_CONNECT_TIMEOUT_MS = 1500;

  @IntegerSetting(50, 60000, 'milliseconds')
  REDIS_COMMAND_TIMEOUT_MS = 500;

  @IntegerSetting(100, 60000, 'milliseconds')
  REDIS_CONNECT_TIMEOUT_MS = 2000;

  @IntegerSetting(50, 10000, 'milliseconds')
  HEALTH_CHECK_TIMEOUT_MS = 1000;

  @IntegerSetting(1024, 104857600, 'bytes')
  BODY_LIMIT_BYTES = 1048576;

  /**
   * The types an upload may be, sniffed from its bytes: MIME types and `type/*` wildcards,
   * comma-separated. An entry no upload could ever be recognised as (a typo) stops the start.
   */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? parseAllowedTypes(value) : value))
  @ValidateBy(
    { name: 'allowedTypes', validator: { validate: (value) => Array.isArray(value) } },
    {
      message: ({ value }: ValidationArguments) =>
        `must be a comma-separated list of MIME types or type/* wildcards: it ${isUnreadable(value) ? value.unreadable : 'is not a list'}`,
    },
  )
  UPLOAD_ALLOWED_TYPES: readonly string[] = DEFAULT_ALLOWED_TYPES;

  @IntegerSetting(0, 120000, 'milliseconds')
  SHUTDOWN_DRAIN_MS = 5000;

  @IntegerSetting(1000, 300000, 'milliseconds')
  SHUTDOWN_TIMEOUT_MS = 25000;

  /**
   * How often each instance looks for outbox work (notifications to create, pushes to send) that
   * no local write woke it for: another instance's, or a crashed instance's.
   */
  @IntegerSetting(50, 60000, 'milliseconds')
  OUTBOX_POLL_MS = 1000;

  /** How long a claimed outbox row stays with its worker; after that, a worker on any instance takes it again. */
  @IntegerSetting(1, 3600, 'seconds')
  OUTBOX_LEASE_SECONDS = 30;

  /**
   * Outbound calls (push services, webhooks) may reach loopback, private, link-local and metadata
   * addresses. Only for tests and closed networks: a user-chosen URL could otherwise reach them.
   */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  OUTBOUND_ALLOW_PRIVATE_ADDRESSES = false;

  /** How long one webhook delivery attempt may take, connection to last byte; longer counts as a failure. */
  @IntegerSetting(100, 60000, 'milliseconds')
  WEBHOOK_TIMEOUT_MS = 10000;

  /** Webhook deliveries one instance attempts at the same time; more wait for a free slot. */
  @IntegerSetting(1, 500, 'count')
  WEBHOOK_CONCURRENCY = 20;

  /** The first wait before a failed webhook delivery is retried; it doubles with each failure, up to an hour. */
  @IntegerSetting(100, 3600000, 'milliseconds')
  WEBHOOK_RETRY_BASE_MS = 5000;

  /** Pushes carry the first 100 characters of the message; false sends only who wrote and where. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  PUSH_INCLUDE_PREVIEW = true;

  /** Web Push (VAPID) key pair; unset in the embedded default, which keeps one under EMBEDDED_DATA_DIR. */
  @IsOptional()
  @vapidKey(65)
  @SetTogether('WEBPUSH_VAPID_PRIVATE_KEY')
  WEBPUSH_VAPID_PUBLIC_KEY?: string = undefined;

  @IsOptional()
  @vapidKey(32)
  @SetTogether('WEBPUSH_VAPID_PUBLIC_KEY')
  WEBPUSH_VAPID_PRIVATE_KEY?: string = undefined;

  /** The contact push services may use about this sender (VAPID `sub`). */
  @Matches(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, { message: 'must be a mailto: address or an https:// URL' })
  WEBPUSH_SUBJECT = 'mailto:push@localhost.invalid';

  /** FCM HTTP v1: the service-account key JSON, or the path of its file. Unset: no FCM. */
  @ReadSetting(
    readServiceAccount,
    'a service-account JSON (project_id, client_email, private_key, token_uri) or its path',
  )
  FCM_SERVICE_ACCOUNT_JSON?: FcmServiceAccount = undefined;

  @Matches(/^https?:\/\/[^\s/]+$/, { message: 'must be an https:// origin, e.g. https://fcm.googleapis.com' })
  FCM_ENDPOINT = 'https://fcm.googleapis.com';

  /** APNs token authentication: the .p8 key (PEM text or path), its key id, the team id and the app's bundle id. */
  @ReadSetting(readApnsKey, 'an APNs .p8 key (PEM text) or its path')
  @SetTogether('APNS_KEY_ID', 'APNS_TEAM_ID', 'APNS_TOPIC')
  APNS_KEY_P8?: string = undefined;

  @IsOptional()
  @Matches(/^[A-Z0-9]{10}$/, { message: 'must be the 10-character key id of the .p8 key' })
  @SetTogether('APNS_KEY_P8', 'APNS_TEAM_ID', 'APNS_TOPIC')
  APNS_KEY_ID?: string = undefined;

  @IsOptional()
  @Matches(/^[A-Z0-9]{10}$/, { message: 'must be the 10-character Apple team id' })
  @SetTogether('APNS_KEY_P8', 'APNS_KEY_ID', 'APNS_TOPIC')
  APNS_TEAM_ID?: string = undefined;

  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, { message: "must be the app's bundle id, e.g. com.example.chat" })
  @SetTogether('APNS_KEY_P8', 'APNS_KEY_ID', 'APNS_TEAM_ID')
  APNS_TOPIC?: string = undefined;

  @Matches(/^https?:\/\/[^\s/]+$/, { message: 'must be an https:// origin, e.g. https://api.push.apple.com' })
  APNS_ENDPOINT = 'https://api.push.apple.com';

  /** Where uploads are kept: `local` (files under STORAGE_DIR, links served by the app) or `s3`. */
  @IsIn(STORAGE_DRIVERS, { message: `must be one of ${STORAGE_DRIVERS.join(', ')}` })
  STORAGE_DRIVER: StorageDriverName = 'local';

  /** The local driver's directory; every instance must see the same one (a shared volume). */
  @IsString()
  @MinLength(1, { message: 'must be a directory path' })
  STORAGE_DIR = './.data/uploads';

  /**
   * The key of the local driver's signed links. Unset: derived from JWT_SECRET, so links survive
   * restarts and every instance agrees.
   */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  STORAGE_SIGNING_SECRET?: string = undefined;

  /** The S3 driver's bucket; required with STORAGE_DRIVER=s3. */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    message: 'must be an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)',
  })
  S3_BUCKET?: string = undefined;

  @Matches(/^[a-z0-9-]{2,32}$/, { message: 'must be a region name, e.g. us-east-1' })
  S3_REGION = 'us-east-1';

  /** An S3-compatible service (MinIO, R2, s3rver) instead of AWS: its origin. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#@]+\/?$/, {
    message: 'must be an http(s):// origin, e.g. https://minio.example.com:9000',
  })
  S3_ENDPOINT?: string = undefined;

  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'must be an access key id' })
  S3_ACCESS_KEY_ID?: string = undefined;

  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'must be a secret access key' })
  S3_SECRET_ACCESS_KEY?: string = undefined;

  /** Path-style URLs (`endpoint/bucket/key`) instead of virtual-hosted ones (`bucket.endpoint/key`): MinIO, s3rver. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  S3_FORCE_PATH_STYLE = false;

  /** The largest upload; the local storage route refuses more bytes than this as they arrive. */
  @IntegerSetting(1, 5368709120, 'bytes')
  UPLOAD_MAX_BYTES = 26214400;

  /** How long a download link to a data export archive works (each `GET /users/me/export/:id` signs a new one). */
  @IntegerSetting(1, 604800, 'seconds')
  EXPORT_LINK_SECONDS = 300;

  /** How long a data export archive is kept once built; then it is deleted from the storage. */
  @IntegerSetting(1, 720, 'hours')
  EXPORT_KEEP_HOURS = 72;

  /**
   * Messages older than this many days are tombstoned (body and attachments gone, seq kept) and
   * their uploads deleted, once per MESSAGE_RETENTION_INTERVAL_SECONDS. Unset: messages are kept for ever.
   */
  @IsOptional()
  @IntegerSetting(1, 36500, 'days')
  MESSAGE_RETENTION_DAYS?: number = undefined;

  /**
   * How often retention runs, once across all instances: one run per period of this length,
   * counted from the Unix epoch by PostgreSQL's clock (the default, a day, is the UTC day).
   */
  @IntegerSetting(1, 604800, 'seconds')
  MESSAGE_RETENTION_INTERVAL_SECONDS = 86400;
}
