import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import ts from 'typescript';
import type { ErrorCode } from '#src/common/errors/app-error.js';
import { ERROR_CODES } from '#src/error-catalogue.js';
import { createOpenApiDocument } from '#src/openapi.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** The files under `dir` whose name matches, the generated Prisma client aside. */
function files(dir: string, name: RegExp): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : files(path, name);
    return name.test(entry.name) ? [path] : [];
  });
}

// Compile-time: a code some feature registers in ErrorCode but src/error-catalogue.ts does not join
// turns this into a type error naming the code (lint type-checks the tests).
type Unlisted = Exclude<ErrorCode, (typeof ERROR_CODES)[number]>;
const unlisted: [Unlisted] extends [never] ? 'none' : Unlisted = 'none';

const catalogue = new Set<string>(ERROR_CODES);
const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/** Whether a string literal sits where an error code goes: an AppError's code or a `code` property. */
function inCodePosition(node: ts.Node): boolean {
  const { parent } = node;
  if (ts.isNewExpression(parent) && parent.expression.getText() === 'AppError') return parent.arguments?.[1] === node;
  return ts.isPropertyAssignment(parent) && parent.initializer === node && parent.name.getText() === 'code';
}

/** `file:line 'LITERAL'` for each quoted UPPER_SNAKE string of `file` that is, or is used as, an error code. */
function codeLiterals(file: string): string[] {
  const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (UPPER_SNAKE.test(node.text) && (catalogue.has(node.text) || inCodePosition(node))) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${file}:${line + 1} '${node.text}'`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The text of every code span and fenced block of a Markdown file. */
function codeText(markdown: string): string {
  const fences = [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((match) => match[1]);
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '');
  const spans = [...prose.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]);
  return [...fences, ...spans].join('\n');
}

describe('the error-code catalogue', () => {
  it('joins every code once', () => {
    expect(unlisted).toBe('none');
    expect(ERROR_CODES.length).toBe(catalogue.size);
    for (const code of ERROR_CODES) expect(code).toMatch(UPPER_SNAKE);
  });

  it('is the only place in src/ that spells a code', () => {
    const scanned = files('src', /\.ts$/).filter(
      (file) => !file.endsWith('.errors.ts') && !file.startsWith(join('src', 'common', 'errors')),
    );
    expect(scanned.length).toBeGreaterThan(50);
    expect(scanned.flatMap(codeLiterals)).toEqual([]);
  });

  it('lists every code as the enum of the error body in the OpenAPI document', async () => {
    @Module({})
    class NoRoutes {}
    const app = await NestFactory.create(NoRoutes, new FastifyAdapter(), { logger: false });
    try {
      const schema = createOpenApiDocument(app).components?.schemas?.ErrorBody as
        { properties: { code: { enum?: string[] } } } | undefined;
      expect(schema?.properties.code.enum).toEqual([...ERROR_CODES]);
    } finally {
      await app.close();
    }
  });

  it('documents every code in backticks in README.md or docs/', () => {
    const docs = ['README.md', ...files('docs', /\.md$/)].filter((file) => existsSync(join(root, file)));
    const text = docs.map((file) => codeText(read(file))).join('\n');
    const undocumented = ERROR_CODES.filter((code) => !new RegExp(`\\b${code}\\b`).test(text));
    expect(undocumented).toEqual([]);
  });
});
