/**
 * Which exported names and public members of the package have no
 * `@example` (the README's rule: every exported name and every public
 * member has one). A class's methods, accessors and properties, and an
 * interface's methods, each need their own; an interface's plain
 * properties (option bags, records) may instead be shown by name in the
 * interface's own example. Enum members are shown by their enum's example.
 */
import { join } from 'node:path';
import * as ts from 'typescript';
import { ROOT } from './examples';

const ENTRIES = ['src/index.ts', 'src/testing/index.ts'];

function hasTag(node: ts.Node, tag: string): boolean {
  return ts.getJSDocTags(node).some((t) => t.tagName.text === tag);
}

/** The code of a declaration's `@example` tags, joined (empty when none). */
function exampleText(node: ts.Node): string {
  return ts
    .getJSDocTags(node)
    .filter((t) => t.tagName.text === 'example')
    .map((t) => ts.getTextOfJSDocComment(t.comment) ?? '')
    .join('\n');
}

function isPublic(member: ts.ClassElement | ts.TypeElement): boolean {
  if (member.name === undefined || ts.isPrivateIdentifier(member.name)) return false;
  // A computed key ([BRAND], [Symbol.iterator]) is machinery, not a name users call.
  if (ts.isComputedPropertyName(member.name)) return false;
  if (member.name.getText().startsWith('_')) return false;
  const flags = ts.getCombinedModifierFlags(member as ts.Declaration);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  return !hasTag(member, 'internal');
}

/**
 * A declaration's members; for a class, also those of its base classes in
 * src/ (a class split over files, as `Stream` is, documents them there).
 */
function ownAndInherited(
  checker: ts.TypeChecker,
  declaration: ts.ClassDeclaration | ts.InterfaceDeclaration,
): Array<ts.ClassElement | ts.TypeElement> {
  const members: Array<ts.ClassElement | ts.TypeElement> = [...declaration.members];
  if (!ts.isClassDeclaration(declaration)) return members;
  const base = declaration.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  const inherited = base && checker.getTypeAtLocation(base.expression).getSymbol()?.getDeclarations();
  for (const d of inherited ?? []) {
    if (ts.isClassDeclaration(d) && d.getSourceFile().fileName.startsWith(join(ROOT, 'src')))
      members.push(...ownAndInherited(checker, d));
  }
  return members;
}

/** `name` or `Owner.member` for every public name without an example. */
export function missingExamples(): string[] {
  const program = ts.createProgram(
    ENTRIES.map((e) => join(ROOT, e)),
    { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  );
  const checker = program.getTypeChecker();
  const missing = new Set<string>();
  const seen = new Set<ts.Symbol>();
  for (const entry of ENTRIES) {
    const file = program.getSourceFile(join(ROOT, entry));
    const moduleSymbol = file && checker.getSymbolAtLocation(file);
    if (moduleSymbol === undefined) throw new Error(`${entry} did not load`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (seen.has(symbol)) continue;
      seen.add(symbol);
      const name = exported.getName();
      const declarations = symbol.getDeclarations() ?? [];
      const own = declarations.map(exampleText).join('\n');
      if (own === '') missing.add(name);
      for (const declaration of declarations) {
        if (!ts.isClassDeclaration(declaration) && !ts.isInterfaceDeclaration(declaration)) continue;
        const byMember = new Map<string, ts.Node[]>();
        for (const member of ownAndInherited(checker, declaration)) {
          if (ts.isConstructorDeclaration(member) || ts.isIndexSignatureDeclaration(member)) continue;
          if (!isPublic(member)) continue;
          const key = member.name?.getText() ?? '';
          byMember.set(key, [...(byMember.get(key) ?? []), member]);
        }
        for (const [member, nodes] of byMember) {
          if (nodes.some((n) => exampleText(n) !== '')) continue;
          const plainProperty =
            ts.isInterfaceDeclaration(declaration) && nodes.every((n) => ts.isPropertySignature(n));
          if (plainProperty && new RegExp(`(?<![\\w$])${member.replace(/\$/g, '\\$')}(?![\\w$])`).test(own)) continue;
          missing.add(`${name}.${member}`);
        }
      }
    }
  }
  return [...missing].sort();
}
