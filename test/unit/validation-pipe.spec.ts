import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { ListQueryDto } from '#src/common/pagination/pagination.js';
import { createValidationPipe } from '#src/common/validation/validation.pipe.js';

class RequiredQuery {
  @IsString()
  q!: string;
}

class DefaultsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  size = 3;
}

const query = (metatype: new () => object) => ({ type: 'query' as const, metatype, data: undefined });

describe('the validation pipe on empty query strings', () => {
  it('gives a fresh DTO with its defaults every time', async () => {
    const pipe = createValidationPipe();
    const first = await pipe.transform({}, query(DefaultsQuery));
    const second = await pipe.transform({}, query(DefaultsQuery));
    expect(first).toBeInstanceOf(DefaultsQuery);
    expect(second).toEqual({ size: 3 });
    expect(second).not.toBe(first);
    expect(await pipe.transform({}, query(ListQueryDto))).toEqual({ limit: 20 });
  });

  it('still refuses an empty query when the DTO needs a field, every time', async () => {
    const pipe = createValidationPipe();
    for (let i = 0; i < 2; i++) await expect(pipe.transform({}, query(RequiredQuery))).rejects.toThrow();
  });

  it('still validates a query that is not empty', async () => {
    const pipe = createValidationPipe();
    await pipe.transform({}, query(DefaultsQuery));
    await expect(pipe.transform({ size: '9' }, query(DefaultsQuery))).rejects.toThrow();
    await expect(pipe.transform({ extra: '1' }, query(DefaultsQuery))).rejects.toThrow();
    expect(await pipe.transform({ size: '2' }, query(DefaultsQuery))).toEqual({ size: 2 });
  });
});
