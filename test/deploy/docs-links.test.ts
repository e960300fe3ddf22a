// Every relative link of the README and docs/ leads to a file of the repository, and every #anchor
// to a heading of its page, as GitHub renders them.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const pages = execFileSync('git', ['ls-files', '*.md'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((path) => path !== '' && existsSync(join(ROOT, path)));

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replaceAll(' ', '-');

/** The anchors of a page; a repeated heading gets -1, -2, … as on GitHub. Code blocks hold no headings. */
const anchorsOf = (text: string): Set<string> => {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6} (.+)$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
};

/** Markdown links `[text](target)` outside code blocks and inline code. */
const linksOf = (text: string): string[] => {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
};

describe('documentation links', () => {
  it('finds the pages to check', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md', 'packages/local-aws/README.md']));
  });

  it.each(pages)('%s links only to files and headings that exist', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const broken = linksOf(text).flatMap((link) => {
      if (/^[a-z]+:/.test(link)) return [];
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? join(ROOT, page) : join(ROOT, dirname(page), path);
      if (!existsSync(target)) return [`${link}: no file ${relative(ROOT, target)}`];
      if (anchor === undefined || !target.endsWith('.md')) return [];
      return anchorsOf(readFileSync(target, 'utf8')).has(anchor) ? [] : [`${link}: no heading #${anchor} in ${relative(ROOT, target)}`];
    });
    expect(broken).toEqual([]);
  });

  it('makes anchors as GitHub does', () => {
    expect(slug('`GET /shares/{requestId}`')).toBe('get-sharesrequestid');
    expect(slug('Member-account role (StackSet)')).toBe('member-account-role-stackset');
    expect(slug('The layers of src/ and the import rules')).toBe('the-layers-of-src-and-the-import-rules');
  });
});
