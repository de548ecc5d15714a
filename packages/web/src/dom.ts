type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | boolean | undefined>;

/** An element with attributes (`true` sets a boolean one, `false`/undefined leaves it out) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/** The element of `root` with `data-testid`. */
export function byTestId<T extends HTMLElement>(root: ParentNode, testId: string): T {
  const found = root.querySelector<T>(`[data-testid="${testId}"]`);
  if (!found) throw new Error(`no ${testId}`);
  return found;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message.replace(/^[A-Z_]+: /, '') : String(error);
}
