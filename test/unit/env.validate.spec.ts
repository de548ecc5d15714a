import { ConfigValidationError, validateEnv } from '#src/infra/config/env.validate.js';
import { redisTopology } from '#src/infra/redis/redis-topology.js';

const messageFor = (env: Record<string, string>): string => {
  try {
    validateEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('validateEnv', () => {
  it('applies the documented defaults when nothing is set', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '0.0.0.0',
      CACHE_ENABLED: true,
      LOG_LEVEL: 'info',
      TRUST_PROXY: false,
      EMBEDDED_DATA_DIR: '.data',
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
  });

  it('converts numbers and booleans from their string form', () => {
    const env = validateEnv({
      PORT: '8080',
      CACHE_ENABLED: 'false',
      TRUST_PROXY: 'TRUE',
      REDIS_COMMAND_TIMEOUT_MS: '250',
    });
    expect(env).toMatchObject({ PORT: 8080, CACHE_ENABLED: false, TRUST_PROXY: true, REDIS_COMMAND_TIMEOUT_MS: 250 });
  });

  it('treats an empty value as unset', () => {
    expect(validateEnv({ PORT: '', DATABASE_URL: '' })).toMatchObject({ PORT: 3000, DATABASE_URL: undefined });
  });

  it('names the variable, what is expected and what it got, on one line', () => {
    const message = messageFor({ PORT: 'abc' });
    expect(message).toBe('Invalid configuration: PORT must be an integer port number between 0 and 65535 (got "abc")');
    expect(message).not.toContain('\n');
  });

  it.each([
    ['PORT', '70000', 'between 0 and 65535'],
    ['DATABASE_URL', 'mysql://localhost/db', 'postgresql://'],
    ['REDIS_URL', 'localhost:6379', 'redis://'],
    ['JWT_SECRET', 'short', 'at least 32 characters'],
    ['CACHE_ENABLED', 'maybe', 'true or false'],
    ['LOG_LEVEL', 'verbose', 'one of fatal'],
    ['NODE_ENV', 'staging', 'one of development'],
    ['REDIS_COMMAND_TIMEOUT_MS', '5', 'between 50 and 60000'],
    ['BODY_LIMIT_BYTES', '1.5', 'integer'],
    ['REDIS_CLUSTER_NODES', 'redis-1,redis-2', 'host:port'],
    ['REDIS_SENTINELS', 'http://sentinel:26379', 'host:port'],
  ])('refuses %s=%s', (name, value, expected) => {
    const message = messageFor({ [name]: value });
    expect(message).toContain(`${name} `);
    expect(message).toContain(expected);
  });

  describe('never prints the value of a secret', () => {
    it.each([
      ['JWT_SECRET', 'hunter2-too-short'],
      ['DATABASE_URL', 'mysql://chat:hunter2-db@db.example/chat'],
      ['REDIS_URL', 'memcached://:hunter2-redis@cache:6379'],
      // Names saying TOKEN (or KEY, SECRET, PASSWORD) are treated as secrets, whatever they hold.
      ['ACCESS_TOKEN_TTL_SECONDS', 'hunter2-ttl'],
    ])('%s: names the variable and what is expected, not the value', (name, value) => {
      const message = messageFor({ [name]: value });
      expect(message).toContain(`${name} `);
      expect(message).not.toContain(value);
      expect(message).not.toContain('hunter2');
    });

    it('refuses a connection URL that does not parse, without quoting it', () => {
      for (const [name, value] of [
        ['DATABASE_URL', 'postgresql://chat:hunter2#x@db:port/chat'],
        ['REDIS_URL', 'redis://:hunter2@[not-an-address]:6379'],
      ]) {
        const message = messageFor({ [name]: value });
        expect(message).toContain(`${name} must be a valid URL`);
        expect(message).not.toContain('hunter2');
      }
    });

    it('does not quote a value carrying credentials, whatever its variable', () => {
      const message = messageFor({ PORT: 'redis://admin:hunter2@host:6379' });
      expect(message).toContain('PORT must be an integer');
      expect(message).not.toContain('hunter2');
    });

    it('still shows the value of a setting that is not secret', () => {
      expect(messageFor({ LOG_LEVEL: 'loud' })).toContain('(got "loud")');
    });
  });

  it('reports every bad variable at once', () => {
    const message = messageFor({ PORT: '-1', LOG_LEVEL: 'loud' });
    expect(message).toMatch(/PORT .*; LOG_LEVEL /);
  });

  it('takes a Redis Sentinel or a Redis Cluster, not both, and a Sentinel only with its master name', () => {
    expect(messageFor({ REDIS_SENTINELS: 's1:26379' })).toContain('REDIS_SENTINEL_NAME is required');
    expect(
      messageFor({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER_NODES: 'r1:6379' }),
    ).toContain('cannot both be set');
    const sentinel = validateEnv({ REDIS_SENTINELS: 's1:26379, [::1]:26380', REDIS_SENTINEL_NAME: 'mymaster' });
    expect(redisTopology(sentinel)).toEqual({
      kind: 'sentinel',
      name: 'mymaster',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      url: undefined,
    });
    const cluster = validateEnv({ REDIS_CLUSTER_NODES: 'r1:7000,r2:7001', REDIS_URL: 'rediss://:pw@ignored:1' });
    expect(redisTopology(cluster)).toMatchObject({
      kind: 'cluster',
      nodes: [
        { host: 'r1', port: 7000 },
        { host: 'r2', port: 7001 },
      ],
    });
    expect(redisTopology(validateEnv({ REDIS_URL: 'redis://r:6379/2' }))).toEqual({
      kind: 'single',
      url: 'redis://r:6379/2',
    });
    expect(redisTopology(validateEnv({}))).toBeNull();
  });

  it('keeps uploads on local disk by default, and needs bucket and credentials for S3', () => {
    expect(validateEnv({})).toMatchObject({
      STORAGE_DRIVER: 'local',
      STORAGE_DIR: './.data/uploads',
      STORAGE_SIGNING_SECRET: undefined,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: false,
      UPLOAD_MAX_BYTES: 26214400,
    });
    expect(messageFor({ STORAGE_DRIVER: 's3' })).toContain(
      'STORAGE_DRIVER=s3 requires S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY',
    );
    expect(messageFor({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b-1', S3_ACCESS_KEY_ID: 'id' })).toContain(
      'requires S3_SECRET_ACCESS_KEY',
    );
    const s3 = {
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'chat-uploads',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
    };
    expect(validateEnv({ ...s3, S3_ENDPOINT: 'http://127.0.0.1:9000', S3_FORCE_PATH_STYLE: 'yes' })).toMatchObject({
      STORAGE_DRIVER: 's3',
      S3_FORCE_PATH_STYLE: true,
    });
    expect(messageFor({ STORAGE_DRIVER: 'gcs' })).toContain('STORAGE_DRIVER must be one of local, s3');
    expect(messageFor({ ...s3, S3_BUCKET: 'Not_A_Bucket' })).toContain('S3_BUCKET must be an S3 bucket name');
    expect(messageFor({ STORAGE_SIGNING_SECRET: 'short' })).toContain('STORAGE_SIGNING_SECRET must be at least 32');
    expect(messageFor({ UPLOAD_MAX_BYTES: '0' })).toContain('UPLOAD_MAX_BYTES must be an integer number of bytes');
  });

  it('keeps messages for ever unless MESSAGE_RETENTION_DAYS is a positive number of days', () => {
    expect(validateEnv({}).MESSAGE_RETENTION_DAYS).toBeUndefined();
    expect(validateEnv({ MESSAGE_RETENTION_DAYS: '' }).MESSAGE_RETENTION_DAYS).toBeUndefined();
    expect(validateEnv({ MESSAGE_RETENTION_DAYS: '30' }).MESSAGE_RETENTION_DAYS).toBe(30);
    expect(validateEnv({}).MESSAGE_RETENTION_INTERVAL_SECONDS).toBe(86400);
    for (const bad of ['0', '-5', '1.5', 'a year', '36501']) {
      expect(messageFor({ MESSAGE_RETENTION_DAYS: bad })).toContain(
        'MESSAGE_RETENTION_DAYS must be an integer number of days between 1 and 36500',
      );
    }
    expect(messageFor({ MESSAGE_RETENTION_INTERVAL_SECONDS: '0' })).toContain('MESSAGE_RETENTION_INTERVAL_SECONDS');
    expect(messageFor({ EXPORT_KEEP_HOURS: '721' })).toContain(
      'EXPORT_KEEP_HOURS must be an integer number of hours between 1 and 720',
    );
  });

  it('ignores variables it does not know', () => {
    expect(() => validateEnv({ SOMETHING_ELSE: 'x', PATH: '/usr/bin' })).not.toThrow();
  });
});
