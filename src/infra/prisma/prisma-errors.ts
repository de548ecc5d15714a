interface PrismaLikeError {
  code?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
}

/** A unique-constraint violation, from a model query (P2002) or from raw SQL (P2010 wrapping the driver's error). */
export function isUniqueViolation(error: unknown): boolean {
  const { code, meta } = (error ?? {}) as PrismaLikeError;
  return (
    code === 'P2002' || (code === 'P2010' && meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation')
  );
}
