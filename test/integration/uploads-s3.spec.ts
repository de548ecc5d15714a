import pg from 'pg';
import sharp from 'sharp';
import { STORAGE_DRIVER, type StorageDriver } from '#src/uploads/storage/storage-driver.js';
import { UploadSweep } from '#src/uploads/upload-sweep.service.js';
import { register } from '../support/auth-client.js';
import { chat, expectStatus } from '../support/chat-client.js';
import { startS3Server, type S3Server } from '../support/s3-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-config.js';
import { download, image, uploads, type Declared } from '../support/upload-client.js';

// The whole flow with STORAGE_DRIVER=s3, over HTTP to s3rver: the client sends the bytes to the
// presigned URL and fetches presigned links. s3rver checks a link's expiry but no signature, so
// this shows the S3 protocol end to end, not that the signatures are right (AWS checks those).

describe('uploads on S3', () => {
  let s3: S3Server;
  let app: TestApp;
  let db: pg.Client;
  let storage: StorageDriver;

  beforeAll(async () => {
    s3 = await startS3Server();
    app = await startTestApp({
      STORAGE_DRIVER: 's3',
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: true,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      UPLOADS_PER_MINUTE_PER_USER: 1000,
    });
    storage = app.app.get(STORAGE_DRIVER);
    db = new pg.Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });

  afterAll(async () => {
    await app.close();
    await db.end();
    await s3.close();
  });

  it('sends an image to the bucket, measures it, and links to it and its thumbnail', async () => {
    const ann = await register(app);
    const bytes = await image('jpeg', 800, 600);
    const declared = expectStatus<Declared>(
      await uploads(app, ann).declare('view.jpg', 'image/jpeg', bytes.length),
      201,
    );
    expect(declared.uploadUrl.startsWith(`${s3.endpoint}/${s3.bucket}/uploads/${declared.id}`)).toBe(true);
    expect((await uploads(app, ann).put(declared, bytes)).status).toBe(200);

    const ready = expectStatus(await uploads(app, ann).complete(declared.id), 200);
    expect(ready).toMatchObject({
      status: 'ready',
      mimeType: 'image/jpeg',
      width: 800,
      height: 600,
      hasThumbnail: true,
    });
    const links = expectStatus<{ url: string; thumbnailUrl: string }>(await uploads(app, ann).links(declared.id), 200);
    expect((await download(app.baseUrl, links.url)).bytes.equals(bytes)).toBe(true);
    const thumbnail = await sharp((await download(app.baseUrl, links.thumbnailUrl)).bytes).metadata();
    expect([thumbnail.format, thumbnail.width, thumbnail.height]).toEqual(['webp', 320, 240]);
  });

  it('refuses a text file declared as a PNG and deletes it from the bucket', async () => {
    const ann = await register(app);
    const bytes = Buffer.from('not an image');
    const declared = expectStatus<Declared>(
      await uploads(app, ann).declare('fake.png', 'image/png', bytes.length),
      201,
    );
    await uploads(app, ann).put(declared, bytes);
    expect(await storage.head(`uploads/${declared.id}`)).toEqual({ size: bytes.length });

    expect(expectStatus<{ code: string }>(await uploads(app, ann).complete(declared.id), 422).code).toBe(
      'UPLOAD_REJECTED',
    );
    expect(await storage.head(`uploads/${declared.id}`)).toBeNull();
  });

  it('sweeps an abandoned upload out of the bucket, and leaves one a message carries', async () => {
    const [ann, bob] = [await register(app), await register(app)];
    const group = expectStatus<{ id: string }>(await chat(app, ann).createGroup('s3', [bob]), 201).id;
    const abandoned = await uploads(app, ann).upload('left.png', 'image/png', await image('png', 40, 40));
    const carried = await uploads(app, ann).upload('kept.png', 'image/png', await image('png', 40, 40));
    expectStatus(await chat(app, ann).send(group, 'kept', { attachments: [{ uploadId: carried.id }] }), 201);
    await db.query(`UPDATE uploads SET created_at = now() - interval '25 hours' WHERE id = ANY($1)`, [
      [abandoned.id, carried.id],
    ]);

    await app.app.get(UploadSweep).sweep();
    expect(await storage.head(`uploads/${abandoned.id}`)).toBeNull();
    expect(await storage.head(`thumbnails/${abandoned.id}`)).toBeNull();
    expect(await storage.head(`uploads/${carried.id}`)).not.toBeNull();
    expect((await uploads(app, bob).links(carried.id)).status).toBe(200);
  });
});
