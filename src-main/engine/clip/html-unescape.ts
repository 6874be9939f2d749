import HTML5_ENTITIES from '../../../resources/tokenizer/html5-entities.json';

/**
 * HTML entity decoding as Python's `html.unescape` does it (the WHATWG table, named references with or without their
 * semicolon where the standard allows, numeric references with the browsers' repairs), and the stricter variant that
 * ftfy uses: only references ending in ';', plus all-caps spellings of lowercase names (`&EACUTE;`).
 */

const entities = HTML5_ENTITIES as Record<string, string>;

/** Numeric references the standard repairs: NUL, CR, and the C1 range read as Windows-1252. */
const INVALID_CHARREFS: Record<number, string> = {
  0x00: '\ufffd', 0x0d: '\r', 0x80: '\u20ac', 0x81: '\x81', 0x82: '\u201a', 0x83: '\u0192', 0x84: '\u201e', 0x85: '\u2026',
  0x86: '\u2020', 0x87: '\u2021', 0x88: '\u02c6', 0x89: '\u2030', 0x8a: '\u0160', 0x8b: '\u2039', 0x8c: '\u0152', 0x8d: '\x8d',
  0x8e: '\u017d', 0x8f: '\x8f', 0x90: '\x90', 0x91: '\u2018', 0x92: '\u2019', 0x93: '\u201c', 0x94: '\u201d', 0x95: '\u2022',
  0x96: '\u2013', 0x97: '\u2014', 0x98: '\u02dc', 0x99: '\u2122', 0x9a: '\u0161', 0x9b: '\u203a', 0x9c: '\u0153', 0x9d: '\x9d',
  0x9e: '\u017e', 0x9f: '\u0178',
};

/** The C1 controls as Windows-1252 reads them (the five bytes it leaves undefined stay as they are). */
export function c1AsWindows1252(char: string): string {
  return INVALID_CHARREFS[char.codePointAt(0)!] ?? char;
}

function isInvalidCodePoint(n: number): boolean {
  return (n >= 0x1 && n <= 0x8) || n === 0xb || (n >= 0xe && n <= 0x1f) || (n >= 0x7f && n <= 0x9f) || (n >= 0xfdd0 && n <= 0xfdef) || (n & 0xfffe) === 0xfffe;
}

function numeric(body: string): string {
  const hex = body[1] === 'x' || body[1] === 'X';
  const num = Number.parseInt(body.slice(hex ? 2 : 1).replace(/;$/, ''), hex ? 16 : 10);
  if (num in INVALID_CHARREFS) return INVALID_CHARREFS[num]!;
  if ((num >= 0xd800 && num <= 0xdfff) || num > 0x10ffff) return '\ufffd';
  if (isInvalidCodePoint(num)) return '';
  return String.fromCodePoint(num);
}

const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g;

/** Python's html.unescape. */
export function unescapeHtml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARREF, (_, body: string) => {
    if (body[0] === '#') return numeric(body);
    if (body in entities) return entities[body]!;
    // The longest prefix that names an entity (legacy names such as "amp" work without their semicolon).
    for (let x = body.length - 1; x > 1; x--) if (body.slice(0, x) in entities) return entities[body.slice(0, x)]! + body.slice(x);
    return `&${body}`;
  });
}

let strictTable: Map<string, string> | null = null;

/** ftfy's table: "&name;" for every semicolon entity, plus "&NAME;" → uppercase character where that spelling is free. */
function strict(): Map<string, string> {
  if (strictTable) return strictTable;
  strictTable = new Map();
  for (const [name, char] of Object.entries(entities)) {
    if (!name.endsWith(';')) continue;
    strictTable.set(`&${name}`, char);
    if (name === name.toLowerCase()) {
      const upper = `&${name.toUpperCase()}`;
      if (unescapeHtml(upper) === upper) strictTable.set(upper, char.toUpperCase());
    }
  }
  return strictTable;
}

/** ftfy's `unescape_html`: only unambiguous references (ending in ';'), so "this&not that" stays as written. */
export function unescapeHtmlStrict(text: string): string {
  return text.replace(/&#?[0-9A-Za-z]{1,24};/g, (match) => {
    const known = strict().get(match);
    if (known !== undefined) return known;
    if (match.startsWith('&#')) {
      const decoded = unescapeHtml(match);
      return decoded.includes(';') ? match : decoded;
    }
    return match;
  });
}
