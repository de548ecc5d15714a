/** Where an export's archive is kept, under every storage driver: made from its id, never from input. */
export const archiveKeyOf = (exportId: string) => `exports/${exportId}`;

export const ARCHIVE_MIME_TYPE = 'application/json';

/** The name a browser saves the archive under. */
export const archiveFileName = (createdAt: Date) => `chat-export-${createdAt.toISOString().slice(0, 10)}.json`;

/** The temporary file an archive is written to before it is stored: one per export and attempt. */
export const temporaryArchiveName = (exportId: string, random: string) => `chat-export-${exportId}-${random}.json`;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const TEMPORARY_ARCHIVE_NAME = new RegExp(`^chat-export-${UUID}-${UUID}\\.json$`);
