import { toErrorBody } from '#src/common/errors/error-body.js';
import { PrismaService } from '#src/infra/prisma/prisma.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/*
 * The statements run past Prisma (`PrismaService.rows`, what every send uses) fail as Prisma's raw
 * queries do: a value PostgreSQL refuses is the client's 400, a vanished reference 409, a lost
 * deadlock 503, anything else a 500 that reveals nothing.
 */
describe('statements run straight on the pool', () => {
  let t: TestApp;
  let prisma: PrismaService;
  beforeAll(async () => {
    t = await startTestApp();
    prisma = t.app.get(PrismaService);
  });
  afterAll(() => t.close());

  const failure = (text: string, values: unknown[] = []) =>
    prisma.rows(text, values).then(
      () => {
        throw new Error(`${text} did not fail`);
      },
      (error: unknown) => toErrorBody(error, 'r'),
    );

  it('answer rows with their parameters', async () => {
    await expect(prisma.rows('SELECT $1::int + 1 AS n, $2::text[] AS names', [41, ['a', 'b,c']])).resolves.toEqual([
      { n: 42, names: ['a', 'b,c'] },
    ]);
  });

  it('map what PostgreSQL refuses as raw queries are mapped', async () => {
    expect((await failure("SELECT 'not a number'::int")).statusCode).toBe(400);
    expect((await failure('SELECT 1 / $1::int', [0])).statusCode).toBe(400);
    expect(
      (
        await failure(
          'INSERT INTO sessions (id, user_id, expires_at) VALUES (gen_random_uuid(), gen_random_uuid(), now())',
        )
      ).statusCode,
    ).toBe(409);
    expect((await failure("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40P01'; END $$")).statusCode).toBe(503);
    expect(await failure('SELECT FROM no_such_table')).toEqual({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
      requestId: 'r',
    });
  });
});
