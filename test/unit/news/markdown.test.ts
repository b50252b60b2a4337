import { expect } from 'chai';
import { markdownText, removedParts, renderMarkdown } from '../../../src/modules/news/markdown.js';
import { canManageNews, canSeePost } from '../../../src/modules/news/policy.js';

describe('news: Markdown rendering and sanitising', () => {
  it('keeps the structure and drops scripts, handlers, styles, foreign images and javascript: links', () => {
    const html = renderMarkdown('# T\n\n**b** <script>alert(1)</script> [x](javascript:alert(1)) [y](https://example.org) [z](/gare/1)\n\n<img src=x onerror=alert(1)> ![a](https://evil.example/a.png) ![b](/static/app/b.png)\n\n<p style="color:red" class="c">p</p>');
    expect(html).to.contain('<h2>T</h2>');
    expect(html).to.contain('<strong>b</strong>');
    expect(html).to.contain('<a href="https://example.org" rel="noopener noreferrer">y</a>');
    expect(html).to.contain('<a href="/gare/1">z</a>');
    expect(html).to.contain('<img src="/static/app/b.png" alt="b" />');
    expect(html).to.not.match(/script|onerror|javascript|evil\.example|style=|class=/);
  });

  it('names what would be removed, so the form can say it', () => {
    expect(removedParts('<script>x</script>').script).to.equal(true);
    expect(removedParts('<b onclick="x">a</b>').script).to.equal(true);
    expect(removedParts('[a](javascript:x)').badLink).to.equal(true);
    expect(removedParts('![a](//evil.example/a.png)').foreignImage).to.equal(true);
    expect(removedParts('![a](/ok.png) [b](/c)')).to.deep.equal({ script: false, foreignImage: false, badLink: false });
  });

  it('gives the plain text of a post', () => {
    expect(markdownText('## Titolo\n\nCiao **mondo**')).to.equal('Titolo\nCiao mondo');
  });
});

describe('news: policy', () => {
  const staff = { userId: 1, email: 's@x', name: 'S', role: 'staff' as const, entityId: null, ip: null };
  const member = { ...staff, role: 'member' as const, entityId: 3 };
  it('staff manage the news; others do not', () => {
    expect(canManageNews(staff)).to.equal(true);
    expect(canManageNews(member)).to.equal(false);
    expect(canManageNews(null)).to.equal(false);
  });
  it('a published post is seen by everyone, a draft or scheduled one by staff only', () => {
    expect(canSeePost(null, { state: 'published' })).to.equal(true);
    expect(canSeePost(member, { state: 'draft' })).to.equal(false);
    expect(canSeePost(null, { state: 'scheduled' })).to.equal(false);
    expect(canSeePost(staff, { state: 'scheduled' })).to.equal(true);
  });
});
