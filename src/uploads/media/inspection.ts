/** What `MediaInspector.inspect` found: the type to keep the upload as, or why it is refused. */
export type Inspection =
  | {
      ok: true;
      /** The sniffed type, by its canonical name: what the file is served as. */
      mimeType: string;
      /** Decoded images only: the size as displayed, after EXIF orientation. */
      width?: number;
      height?: number;
      /** Decoded images only: WebP, at most 320 px on the longer side, never enlarged, without metadata. */
      thumbnail?: Buffer;
    }
  | { ok: false; reason: string };

/** What the uploader said the file is. */
export interface DeclaredMedia {
  mimeType: string;
  size: number;
}
