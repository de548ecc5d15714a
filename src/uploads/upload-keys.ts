/** Where an upload's bytes are kept, under every storage driver: made from its id, never from input. */
export const objectKeyOf = (uploadId: string) => `uploads/${uploadId}`;

/** Where its thumbnail is kept (images only). */
export const thumbnailKeyOf = (uploadId: string) => `thumbnails/${uploadId}`;
