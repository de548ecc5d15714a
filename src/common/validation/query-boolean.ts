/** `true` and `false` in a query string (a `@Transform`); anything else is left for the validator to refuse. */
export const queryBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;
