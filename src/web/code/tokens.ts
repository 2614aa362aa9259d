/**
 * A tiny TypeScript tokenizer for the code view's light syntax highlighting: comments, strings, numbers,
 * keywords and called names get a CSS class; everything else is plain text. The template escapes every
 * token (Eta autoescape), so nothing here builds HTML. Regular expression literals are not recognised:
 * workflow code has none, and at worst a few characters get the wrong colour.
 */
export type TokenKind = 'kw' | 'str' | 'com' | 'num' | 'fn' | 'txt';

export interface Token {
  kind: TokenKind;
  text: string;
}

const KEYWORDS = new Set([
  'async', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'default', 'else', 'export', 'extends',
  'false', 'finally', 'for', 'from', 'function', 'if', 'import', 'in', 'instanceof', 'interface', 'let', 'new', 'null',
  'of', 'private', 'readonly', 'return', 'static', 'switch', 'this', 'throw', 'true', 'try', 'type', 'typeof',
  'undefined', 'void', 'while',
]);

// One alternative per token kind, tried left to right at each position (sticky).
const SCANNER = /(\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|('(?:\\.|[^'\\\n])*'?|"(?:\\.|[^"\\\n])*"?|`(?:\\[\s\S]|[^`\\])*`?)|(\b\d[\d_]*(?:\.\d+)?\b)|([A-Za-z_$][\w$]*)|(\s+|[^\w$\s'"`/]+|\/)/y;

/** The source as lines of tokens (a token that spans lines, like a block comment, is split at each line end). */
export function tokenizeLines(source: string): Token[][] {
  const lines: Token[][] = [[]];
  const push = (kind: TokenKind, text: string): void => {
    const parts = text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part === '') return;
      const line = lines[lines.length - 1]!;
      const last = line[line.length - 1];
      // Neighbouring plain text is one token: fewer elements for the browser to lay out.
      if (last && last.kind === kind && kind === 'txt') last.text += part;
      else line.push({ kind, text: part });
    });
  };
  SCANNER.lastIndex = 0;
  while (SCANNER.lastIndex < source.length) {
    const at = SCANNER.lastIndex;
    const match = SCANNER.exec(source);
    if (!match) {
      push('txt', source.slice(at)); // unreachable with the scanner above; never lose text if it changes
      break;
    }
    const [, comment, string, number, word, other] = match;
    if (comment !== undefined) push('com', comment);
    else if (string !== undefined) push('str', string);
    else if (number !== undefined) push('num', number);
    else if (word !== undefined) push(KEYWORDS.has(word) ? 'kw' : isCalled(source, SCANNER.lastIndex) ? 'fn' : 'txt', word);
    else push('txt', other ?? '');
  }
  return lines;
}

/** A name directly followed by `(` or `<...>(` (a call or a declaration): the names the room looks for. */
function isCalled(source: string, end: number): boolean {
  const next = source.slice(end, end + 1);
  return next === '(' || (next === '<' && /^<[\w\s,.<>[\]|]*>\(/.test(source.slice(end, end + 80)));
}
