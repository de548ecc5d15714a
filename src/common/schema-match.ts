import type { Type } from '@nestjs/common';

/**
 * `true` when A and B take the same values and name the same fields (an optional field one of
 * them lacks counts as a difference), else `false`.
 */
export type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? true
        : false
      : false
    : false
  : false;

/** Compiles only when every entry is `true`; a `false` one names the entry that differs. */
export type AllSame<T extends Record<string, true>> = T;

/** The schema class of a value (a class whose instances are T), or `null` for a value that is always null. */
export type SchemaClassOf<T> = [T] extends [null] ? null : Type<T>;
