import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanText } from './text-cleanup';
import { ClipTokenizer } from './tokenizer';

/** Ids from OpenAI CLIP's reference tokenizer for tricky strings (how they were made: the file's "about"). */
interface ReferenceCase {
  text: string;
  ids: number[];
  untruncatedCount: number;
}
const reference = JSON.parse(await readFile(join(process.cwd(), 'resources', 'tokenizer', 'clip-reference-ids.json'), 'utf8')) as { cases: ReferenceCase[] };
let tokenizer: ClipTokenizer;
beforeAll(async () => {
  tokenizer = await ClipTokenizer.fromDir(join(process.cwd(), 'resources', 'clip-tokenizer'));
});

describe('ClipTokenizer against OpenAI CLIP’s reference tokenizer', () => {
  it.each(reference.cases.map((c) => [JSON.stringify(c.text).slice(0, 60), c] as const))('%s', (_, c) => {
    expect(tokenizer.encode(c.text)).toEqual(c.ids);
  });

  it('covers HTML entities, whitespace, quotes, width, accents, emoji and text past 77 tokens', () => {
    const texts = reference.cases.map((c) => c.text);
    expect(texts.some((t) => t.includes('&amp;amp;'))).toBe(true);
    expect(texts.some((t) => /\t|\n/.test(t))).toBe(true);
    expect(texts.some((t) => /[\u2018-\u201d]/.test(t))).toBe(true);
    expect(reference.cases.some((c) => c.untruncatedCount > 75)).toBe(true);
    expect(reference.cases.length).toBeGreaterThanOrEqual(40);
  });
});

describe('cleanText', () => {
  it('unescapes HTML (three levels outside HTML, two where the line has a tag), collapses whitespace, lowercases', () => {
    expect(cleanText('  Salt &amp;amp;amp; PEPPER\t\n ')).toBe('salt & pepper');
    expect(cleanText('<b>x</b> &amp;amp;amp;')).toBe('<b>x</b> &amp;');
    expect(cleanText('fish &amp chips')).toBe('fish & chips');
    expect(cleanText('this&not that')).toBe('this¬ that'); // html.unescape decodes legacy names without ';'
  });

  it('straightens quotes, splits Latin ligatures, narrows fullwidth forms and drops control characters', () => {
    expect(cleanText('“Don’t”')).toBe('"don\'t"');
    expect(cleanText('ﬁne ﬂow')).toBe('fine flow');
    expect(cleanText('ＡＢＣ　１２')).toBe('abc 12');
    expect(cleanText('a\u0007b\ufeffc \x1b[31mred\x1b[0m')).toBe('abc red');
    expect(cleanText('cafe\u0301')).toBe('café'); // NFC
  });
});
