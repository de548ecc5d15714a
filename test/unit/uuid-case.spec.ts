import { randomUUID } from 'node:crypto';
import { createValidationPipe } from '#src/common/validation/validation.pipe.js';
import { lowerCaseUuids } from '#src/common/validation/uuid.js';
import { uuidParam } from '#src/common/validation/uuid-param.pipe.js';
import { PresenceQueryDto } from '#src/presence/dto/presence-query.dto.js';
import { ConversationRefDto } from '#src/realtime/dto/socket-events.dto.js';

describe('UUIDs as clients send them', () => {
  const id = randomUUID();

  it('lower-cases a string or each string of an array, and leaves anything else to validation', () => {
    expect(lowerCaseUuids(id.toUpperCase())).toBe(id);
    expect(lowerCaseUuids([id.toUpperCase(), 7])).toEqual([id, 7]);
    expect(lowerCaseUuids(7)).toBe(7);
    expect(lowerCaseUuids(null)).toBeNull();
  });

  it('reaches services lower-cased from bodies, events and path parameters', async () => {
    const pipe = createValidationPipe();
    const body = (await pipe.transform(
      { userIds: [id.toUpperCase()] },
      { type: 'body', metatype: PresenceQueryDto },
    )) as PresenceQueryDto;
    expect(body.userIds).toEqual([id]);
    const event = (await pipe.transform(
      { conversationId: id.toUpperCase() },
      { type: 'body', metatype: ConversationRefDto },
    )) as ConversationRefDto;
    expect(event.conversationId).toBe(id);
    expect(await uuidParam('id').transform(id.toUpperCase(), { type: 'param', data: 'id' })).toBe(id);
  });

  it('still refuses what is not a UUID', async () => {
    const pipe = createValidationPipe();
    await expect(
      pipe.transform({ conversationId: 'NOT-A-UUID' }, { type: 'body', metatype: ConversationRefDto }),
    ).rejects.toMatchObject({
      status: 400,
      details: [{ field: 'conversationId', message: 'conversationId must be a UUID' }],
    });
    await expect(uuidParam('id').transform('NOPE', { type: 'param', data: 'id' })).rejects.toMatchObject({
      status: 400,
      details: [{ field: 'id', message: 'id must be a UUID' }],
    });
  });
});
