import { toErrorBody } from '#src/common/errors/error-body.js';

const prismaError = (code: string, meta?: unknown) =>
  Object.assign(new Error(`prisma ${code}`), { name: 'PrismaClientKnownRequestError', code, meta });
const rawError = (cause: Record<string, unknown>) => prismaError('P2010', { driverAdapterError: { cause } });

describe('database errors a client caused', () => {
  it.each(['P2000', 'P2006', 'P2007', 'P2009', 'P2020', 'P2023', 'P2033'])(
    'maps the bad value %s to 400 VALIDATION_FAILED',
    (code) => {
      expect(toErrorBody(prismaError(code), 'r')).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    },
  );

  it.each(['P2025', 'P2001', 'P2015', 'P2018'])('maps the vanished row %s to 404 NOT_FOUND', (code) => {
    expect(toErrorBody(prismaError(code), 'r')).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('maps a vanished referenced row (P2003) to 409 CONFLICT', () => {
    expect(toErrorBody(prismaError('P2003'), 'r')).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
  });

  it.each([
    [{ kind: 'LengthMismatch', originalCode: '22001' }, 400],
    [{ kind: 'ValueOutOfRange', originalCode: '22003' }, 400],
    [{ kind: 'InvalidInputValue', originalCode: '22P02' }, 400],
    [{ kind: 'postgres', code: '22008' }, 400],
    [{ kind: 'postgres', code: '22021' }, 400],
    [{ kind: 'ForeignKeyConstraintViolation', originalCode: '23503' }, 409],
  ])('maps a raw query failing with %p to %i', (cause, status) => {
    expect(toErrorBody(rawError(cause), 'r').statusCode).toBe(status);
  });

  it.each([
    prismaError('P2034'),
    rawError({ kind: 'postgres', code: '40P01' }),
    rawError({ kind: 'postgres', code: '40001' }),
  ])('maps a lost deadlock or write conflict to 503, to be retried (%p)', (error) => {
    const body = toErrorBody(error, 'r');
    expect(body).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
  });

  it('leaves other database failures as 500s that reveal nothing', () => {
    for (const error of [
      prismaError('P2002'),
      rawError({ kind: 'postgres', code: '42601' }),
      rawError({ kind: 'UniqueConstraintViolation' }),
    ]) {
      expect(toErrorBody(error, 'r')).toEqual({
        statusCode: 500,
        code: 'INTERNAL_ERROR',
        message: 'Internal server error',
        requestId: 'r',
      });
    }
  });
});
