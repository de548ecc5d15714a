import { LocalStorageDriver } from '#src/uploads/storage/local-storage.driver.js';
import { LocalStorageLinks } from '#src/uploads/storage/local-storage-links.js';
import { S3StorageDriver, type S3StorageOptions } from '#src/uploads/storage/s3-storage.driver.js';

const s3 = (options: Partial<S3StorageOptions>) =>
  new S3StorageDriver({
    bucket: 'chat-uploads',
    region: 'eu-west-1',
    accessKeyId: 'key',
    secretAccessKey: 'secret',
    forcePathStyle: false,
    ...options,
  });

describe("the storage's origin for the web app's page policy", () => {
  it('is none for the local driver, whose links are paths on the app', async () => {
    const links = new LocalStorageLinks(Buffer.alloc(32, 1));
    await expect(new LocalStorageDriver('/tmp/unused', links).browserOrigin()).resolves.toBeNull();
  });

  it.each([
    [{}, 'https://chat-uploads.s3.eu-west-1.amazonaws.com'],
    [{ forcePathStyle: true }, 'https://s3.eu-west-1.amazonaws.com'],
    // Dots in a bucket name do not fit a TLS certificate's wildcard: the SDK keeps it in the path.
    [{ bucket: 'chat.uploads' }, 'https://s3.eu-west-1.amazonaws.com'],
    [{ region: 'cn-north-1' }, 'https://chat-uploads.s3.cn-north-1.amazonaws.com.cn'],
    [{ endpoint: 'http://127.0.0.1:4569', forcePathStyle: true }, 'http://127.0.0.1:4569'],
    [{ endpoint: 'https://objects.example.com:9000' }, 'https://chat-uploads.objects.example.com:9000'],
  ])('with %j is where the SDK signs links to: %s', async (options, origin) => {
    const driver = s3(options);
    try {
      await expect(driver.browserOrigin()).resolves.toBe(origin);
    } finally {
      driver.close();
    }
  });
});
