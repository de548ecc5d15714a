export type OutboundErrorCode = 'address_refused' | 'timeout' | 'too_large' | 'network' | 'bad_url';

/** Why an outbound call failed, as a code callers can map to their own outcome (retry or give up). */
export class OutboundError extends Error {
  override readonly name = 'OutboundError';

  constructor(
    readonly code: OutboundErrorCode,
    message: string,
  ) {
    super(message);
  }
}
