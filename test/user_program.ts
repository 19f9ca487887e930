// Type-checks snippets as a user's program would compile them: NodeNext modules against the built
// package (imported by its name, 'tessera' and its subpaths), strict. Shared by the README test and
// the package-exports test.

import ts from 'typescript';

/** A diagnostic of `userProgramErrors`: the file, its 0-based line, and the message. */
export interface TypeProblem {
  file: string;
  line: number | null;
  message: string;
}

/** tsc's diagnostics for `files`, compiled as a user's NodeNext program; [] when they type-check. */
export function userProgramErrors(files: string[]): TypeProblem[] {
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file?.fileName ?? '',
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : null,
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}
