import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import { invalidField } from '#src/common/errors/common.errors.js';
import type { Attachment } from '#src/conversations/message.presenter.js';
import { toUploadAttachment } from './upload.presenter.js';
import { UploadsRepository } from './uploads.repository.js';

/** Why an external attachment's URL is refused, if it is: API.md allows https to a host name, without user info. */
export function externalUrlProblem(url: string): string | undefined {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || parsed.protocol !== 'https:') return 'url must be an https URL';
  if (parsed.username || parsed.password) return 'url must not carry user info';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return 'url must name a host, not an IP address';
  return undefined;
}

/** An attachment as a client sends it (the message DTO's shape). */
export interface AttachmentInput {
  uploadId?: string;
  url?: string;
  mimeType?: string;
  size?: number;
  name?: string;
}

/** What a new message's attachments become: the sender's uploads by id, or checked external links. */
@Injectable()
export class MessageAttachments {
  constructor(private readonly uploads: UploadsRepository) {}

  /**
   * The attachments as the message stores them. Each `uploadId` must be one of the sender's ready
   * uploads (400 naming it otherwise). Only once every attachment passed are the uploads marked
   * attached, so that the sweep of abandoned uploads leaves them alone: a refused message marks none.
   */
  async resolve(senderId: string, attachments: AttachmentInput[] = []): Promise<Attachment[]> {
    const ids = [...new Set(attachments.flatMap((attachment) => attachment.uploadId ?? []))];
    const uploads = new Map((await this.uploads.findReady(senderId, ids)).map((upload) => [upload.id, upload]));
    const resolved = attachments.map((attachment, i): Attachment => {
      const field = `attachments[${i}]`;
      if (attachment.uploadId !== undefined) {
        if (attachment.url !== undefined || attachment.mimeType !== undefined || attachment.size !== undefined) {
          throw invalidField(field, 'an attachment is either { uploadId } or { url, mimeType, size, name }');
        }
        const upload = uploads.get(attachment.uploadId);
        if (!upload) throw invalidField(`${field}.uploadId`, 'uploadId must be one of your completed uploads');
        return toUploadAttachment(upload);
      }
      const problem = externalUrlProblem(attachment.url!);
      if (problem) throw invalidField(`${field}.url`, problem);
      return { url: attachment.url!, mimeType: attachment.mimeType!, size: attachment.size!, name: attachment.name! };
    });
    const marked = await this.uploads.markAttached(ids);
    // Taken by the sweep between the two reads.
    const gone = attachments.findIndex((attachment) => attachment.uploadId && !marked.has(attachment.uploadId));
    if (gone >= 0)
      throw invalidField(`attachments[${gone}].uploadId`, 'uploadId must be one of your completed uploads');
    return resolved;
  }
}
