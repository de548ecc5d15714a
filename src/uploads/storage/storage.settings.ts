import { configSlice } from '#src/infra/config/config-slice.js';

/** The settings of both drivers and of the local storage routes. */
export class StorageSettings extends configSlice(
  'STORAGE_DRIVER',
  'STORAGE_DIR',
  'STORAGE_SIGNING_SECRET',
  'JWT_SECRET',
  'S3_BUCKET',
  'S3_REGION',
  'S3_ENDPOINT',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
  'UPLOAD_MAX_BYTES',
) {}
