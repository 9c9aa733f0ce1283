import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** How one file reaches another: the kinds of edge the cycle rule counts. */
export type ImportKind = 'static' | 'type' | 're-export' | 'dynamic' | 'type-query';

export interface ImportEdge {
  /** Importing file, relative to the scanned root, with `/` separators. */
  from: string;
  /** Imported file, relative to the root; `undefined` in `unresolved`. */
  to: string | undefined;
  specifier: string;
  kind: ImportKind;
  line: number;
}

export interface SourceTree {
  /** Every `.ts` file under the root, relative, sorted. */
  files: string[];
  lineCounts: Map<string, number>;
  edges: ImportEdge[];
  /** Imports the scanner could not follow: a relative specifier naming no file, or `import(expression)`. */
  unresolved: ImportEdge[];
}

/** Reads every `.ts` file under `root` and the imports each one makes, parsed with the TypeScript compiler. */
export function scanSourceTree(root: string): SourceTree {
  const files = listTypeScriptFiles(root);
  const lineCounts = new Map<string, number>();
  const edges: ImportEdge[] = [];
  const unresolved: ImportEdge[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    lineCounts.set(file, countLines(text));
    for (const found of importsOf(file, text)) {
      const to = found.specifier === '' ? null : resolveSpecifier(root, file, found.specifier);
      if (to === null) unresolved.push({ from: file, ...found, to: undefined });
      else if (to !== undefined) edges.push({ from: file, ...found, to });
    }
  }
  return { files, lineCounts, edges, unresolved };
}

function listTypeScriptFiles(root: string, dir = ''): string[] {
  const found: string[] = [];
  for (const name of readdirSync(path.join(root, dir)).sort()) {
    const relative = dir === '' ? name : `${dir}/${name}`;
    if (statSync(path.join(root, relative)).isDirectory()) found.push(...listTypeScriptFiles(root, relative));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(relative);
  }
  return found;
}

function countLines(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Every module specifier in one file. An `import(expression)` yields the specifier `''`. */
function importsOf(file: string, text: string): Omit<ImportEdge, 'from' | 'to'>[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Omit<ImportEdge, 'from' | 'to'>[] = [];
  const add = (specifier: ts.Node, kind: ImportKind, at: ts.Node) => {
    const line = source.getLineAndCharacterOfPosition(at.getStart(source)).line + 1;
    found.push({ specifier: ts.isStringLiteralLike(specifier) ? specifier.text : '', kind, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const typeOnly =
        node.importClause?.isTypeOnly === true ||
        (node.importClause !== undefined &&
          node.importClause.name === undefined &&
          node.importClause.namedBindings !== undefined &&
          ts.isNamedImports(node.importClause.namedBindings) &&
          node.importClause.namedBindings.elements.length > 0 &&
          node.importClause.namedBindings.elements.every((element) => element.isTypeOnly));
      add(node.moduleSpecifier, typeOnly ? 'type' : 'static', node);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
      add(node.moduleSpecifier, 're-export', node);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, 'static', node);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument !== undefined) add(argument, 'dynamic', node);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, 'type-query', node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * The file under the root a relative specifier names: `./x.js` names `x.ts` (NodeNext ESM style), `./x` may
 * also name `x/index.ts`. `undefined` for a package, a path outside the root or a file that is not
 * TypeScript (JSON); `null` when it names nothing that exists.
 */
function resolveSpecifier(root: string, from: string, specifier: string): string | undefined | null {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.join(path.posix.dirname(from), specifier);
  if (base.startsWith('../')) return undefined;
  const isFile = (relative: string) =>
    existsSync(path.join(root, relative)) && statSync(path.join(root, relative)).isFile();
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`];
  const found = candidates.find((candidate) => candidate.endsWith('.ts') && isFile(candidate));
  if (found !== undefined) return found;
  return isFile(base) ? undefined : null;
}

/** Each import cycle once, as the files along it with the first file repeated at the end. */
export function findImportCycles(tree: SourceTree): string[][] {
  const next = new Map<string, string[]>();
  for (const edge of tree.edges) {
    if (edge.to === undefined) continue;
    const targets = next.get(edge.from) ?? [];
    if (!targets.includes(edge.to)) targets.push(edge.to);
    next.set(edge.from, targets);
  }
  // Tarjan's strongly connected components, then one shortest cycle through each component.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const target of next.get(file) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      const selfLoop = next.get(file)?.includes(file) === true;
      if (component.length > 1 || selfLoop) components.push(component.sort());
    }
  };
  for (const file of tree.files) if (!index.has(file)) connect(file);
  return components.map((component) => shortestCycleThrough(component[0]!, new Set(component), next));
}

function shortestCycleThrough(start: string, within: Set<string>, next: Map<string, string[]>): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const file = queue[head]!;
    for (const target of next.get(file) ?? []) {
      if (!within.has(target)) continue;
      if (target === start) {
        const cycle = [start];
        for (let step = file; step !== start; step = cameFrom.get(step)!) cycle.splice(1, 0, step);
        return [...cycle, start];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, file);
        queue.push(target);
      }
    }
  }
  return [start, start];
}

export interface LayerRule {
  /** Folders (relative to the root, no trailing slash) whose files the rule governs. */
  from: string[];
  /** Folders those files must not import. */
  mustNotImport: string[];
}

/** Each import that crosses a layer rule, as `from:line -> to (specifier)`. */
export function findForbiddenImports(tree: SourceTree, rules: LayerRule[]): string[] {
  const inside = (file: string, folder: string) => file.startsWith(`${folder}/`);
  const broken: string[] = [];
  for (const edge of tree.edges) {
    const to = edge.to;
    if (to === undefined) continue;
    for (const rule of rules) {
      if (!rule.from.some((folder) => inside(edge.from, folder))) continue;
      if (!rule.mustNotImport.some((folder) => inside(to, folder))) continue;
      broken.push(`${edge.from}:${edge.line} -> ${to} (${edge.kind} import of '${edge.specifier}')`);
    }
  }
  return broken;
}

/** Files under `folder` longer than `maxLines`, as `file (n lines)`. */
export function findLongFiles(tree: SourceTree, folder: string, maxLines: number): string[] {
  return tree.files
    .filter((file) => file.startsWith(`${folder}/`) && (tree.lineCounts.get(file) ?? 0) > maxLines)
    .map((file) => `${file} (${tree.lineCounts.get(file)} lines)`);
}
