/**
 * Text for a terminal or a plain-text report, with control characters shown instead of obeyed: a file
 * name holding a newline, a carriage return or an escape sequence must not break a table row, forge a
 * line of its own, or recolour the terminal. C0 and C1 controls and DEL become \n, \r, \t or \xHH
 * (\u0085-style for C1); a backslash stays a backslash. JSON, JUnit and HTML escape in their own ways.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff && code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
