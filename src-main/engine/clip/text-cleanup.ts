import { c1AsWindows1252, unescapeHtml, unescapeHtmlStrict } from './html-unescape';

/**
 * The text cleanup of OpenAI CLIP's reference tokenizer (clip/simple_tokenizer.py), run before BPE:
 * `whitespace_clean(basic_clean(text)).lower()`, where basic_clean is ftfy.fix_text, html.unescape twice and strip.
 *
 * The tokenizer.json normalizer of the Hugging Face exports only does NFC, \s+ → " " and lowercasing, so "&amp;",
 * curly quotes, ligatures and fullwidth letters would tokenize differently from what CLIP was trained on. ftfy.fix_text
 * is followed step by step here, except its mojibake repair (fix_encoding: re-decoding "cafÃ©" as "café"), which needs
 * ftfy's statistical detector; text typed into the studio does not arrive as mojibake.
 */

const LIGATURES: Record<string, string> = {
  'Ĳ': 'IJ', 'ĳ': 'ij', 'ŉ': 'ʼn', 'Ǳ': 'DZ', 'ǲ': 'Dz', 'ǳ': 'dz', 'Ǆ': 'DŽ', 'ǅ': 'Dž', 'ǆ': 'dž', 'Ǉ': 'LJ', 'ǈ': 'Lj',
  'ǉ': 'lj', 'Ǌ': 'NJ', 'ǋ': 'Nj', 'ǌ': 'nj', 'ﬀ': 'ff', 'ﬁ': 'fi', 'ﬂ': 'fl', 'ﬃ': 'ffi', 'ﬄ': 'ffl', 'ﬅ': 'ſt', 'ﬆ': 'st',
};
const LIGATURE_RE = new RegExp(`[${Object.keys(LIGATURES).join('')}]`, 'g');
const C1_RE = /[\x80-\x9f]/g;
// Halfwidth and fullwidth forms (U+FF01–U+FFEF) to their NFKC equivalents, and the ideographic space to a space.
const WIDTH_RE = /[\uff01-\uffef\u3000]/g;
const SINGLE_QUOTE_RE = /[\u02bc\u2018-\u201b]/g;
const DOUBLE_QUOTE_RE = /[\u201c-\u201f]/g;
const LINE_BREAK_RE = /\r\n|[\r\u2028\u2029\x85]/g;
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ANSI_RE = /\x1b\[((?:\d|;)*)([a-zA-Z])/g;
// ASCII controls except whitespace, deprecated Arabic controls, interlinear annotations, object replacement, BOM.
const CONTROL_RE = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g;

/** One pass of ftfy's fixers over a segment, in ftfy's order (fix_and_explain), ending with NFC. */
function fixOnce(text: string, unescape: boolean): string {
  let t = unescape ? unescapeHtmlStrict(text) : text;
  t = t.replace(C1_RE, c1AsWindows1252);
  t = t.replace(LIGATURE_RE, (c) => LIGATURES[c]!);
  t = t.replace(WIDTH_RE, (c) => (c === '\u3000' ? ' ' : c.normalize('NFKC')));
  t = t.replace(DOUBLE_QUOTE_RE, '"').replace(SINGLE_QUOTE_RE, "'");
  t = t.replace(LINE_BREAK_RE, '\n');
  t = t.replace(LONE_SURROGATE_RE, '\ufffd');
  t = t.replace(ANSI_RE, '');
  t = t.replace(CONTROL_RE, '');
  return t.normalize('NFC');
}

/**
 * ftfy.fix_text without mojibake repair: line by line, each line fixed until nothing changes. HTML entities are
 * decoded only until a line contains "<" (then the text is taken for HTML and its entities are left to html.unescape).
 */
export function fixText(text: string): string {
  let unescape = true;
  const out: string[] = [];
  for (let pos = 0; pos < text.length; ) {
    const newline = text.indexOf('\n', pos);
    const end = newline < 0 ? text.length : newline + 1;
    let segment = text.slice(pos, end);
    if (segment.includes('<')) unescape = false;
    for (let previous = ''; previous !== segment; ) {
      previous = segment;
      segment = fixOnce(segment, unescape);
    }
    out.push(segment);
    pos = end;
  }
  return out.join('');
}

// Python's str.isspace() / regex \s for what can remain after fixText (the controls above are gone by then).
const WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

/** CLIP's cleanup before BPE: fix_text, html.unescape twice, whitespace collapsed to single spaces and trimmed, lowercased. */
export function cleanText(text: string): string {
  const basic = unescapeHtml(unescapeHtml(fixText(text)));
  return basic.replace(WHITESPACE, ' ').replace(/^ | $/g, '').toLowerCase();
}
