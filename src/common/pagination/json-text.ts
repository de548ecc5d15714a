import type { FastifyReply } from 'fastify';

/**
 * A response body that is JSON text already, assembled from JSON kept in Redis. Hot cached reads
 * send it as it is: parsing cached values into objects only to serialize them again took most of
 * the CPU of a cached read.
 */
export class JsonText {
  private constructor(readonly text: string) {}

  /** `{"items":[…],"<key>":<value>}`: a page whose items are JSON already, in the shape of every page. */
  static page(items: string[], key: string, value: unknown): JsonText {
    return new JsonText(`{"items":[${items.join(',')}],${JSON.stringify(key)}:${JSON.stringify(value)}}`);
  }

  /** The body for a controller that has the reply (`@Res({ passthrough: true })`). */
  send(reply: FastifyReply): string {
    void reply.type('application/json; charset=utf-8');
    return this.text;
  }
}
