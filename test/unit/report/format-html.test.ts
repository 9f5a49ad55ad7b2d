import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml, formatHtml, HTML_CSP } from '../../../src/report/format-html.js';
import type { FileResult } from '../../../src/report/scan-report.js';
import { fileResult, report } from '../../helpers/report-fixtures.js';

const HOSTILE = '<img src=x onerror=alert(1)>.mp4';

function withThumbnails(file: FileResult): FileResult {
  const [track] = file.tracks;
  return {
    ...file,
    tracks: [
      {
        ...track!,
        thumbnails: [
          { frameIndex: 1, timestampMs: 500, scoreFake: track!.scoreFake, rank: 'highest', image: 'abc-t0-f1.png' },
          { frameIndex: 0, timestampMs: 0, scoreFake: track!.scoreFake, rank: 'lowest', image: 'abc-t0-f0.png' },
        ],
      },
    ],
  };
}

describe('formatHtml', () => {
  const files = [
    withThumbnails(fileResult(`clips/${HOSTILE}`, 0.9)),
    fileResult('clips/"quoted" & \'single\'.mp4', 0.1),
    fileResult('clips/none.mp4', null),
    fileResult('clips/bad.mp4', null, { code: 'DAMAGED_MEDIA', message: 'frames end at <script>alert(2)</script>' }),
  ];
  const page = formatHtml(report(files), { image: (name) => (name === 'abc-t0-f1.png' ? { mimeType: 'image/jpeg', data: Buffer.from('jpeg-bytes') } : null) });

  it('escapes every string from the files: no tag, attribute or script of theirs reaches the page', () => {
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<script>alert');
    expect(page).toContain(escapeHtml(`clips/${HOSTILE}`));
    expect(page).toContain('clips/&quot;quoted&quot; &amp; &#39;single&#39;.mp4');
    expect(page).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    // The page's only script is its own, allowed by its hash; no event-handler attributes at all.
    expect(page.match(/<script>/g)).toHaveLength(1);
    // (attribute values emptied first: escaped, they cannot close their quotes)
    expect(page.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\son[a-z]+=/i);
  });

  it('is self-contained: a CSP that allows only its own style and script by hash, data: images, no URL anywhere', () => {
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(HTML_CSP)}">`);
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
    const hash = (text: string): string => createHash('sha256').update(text).digest('base64');
    expect(HTML_CSP).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(HTML_CSP).toContain(`script-src 'sha256-${hash(script)}'`);
    expect(HTML_CSP).toContain("default-src 'none'");
    expect(HTML_CSP).toContain('img-src data:');
    expect(page).not.toMatch(/https?:|\/\/[a-z]/i);
    for (const src of page.match(/src="[^"]*"/g) ?? []) expect(src).toMatch(/^src="data:image\/(png|jpeg);base64,/);
  });

  it('has a summary with counts and a sortable list linked to one section per file', () => {
    expect(page).toContain('Summary: 4 file(s)');
    expect(page).toMatch(/<span class="verdict v-fake">fake<\/span> 1/);
    expect(page).toContain('DAMAGED_MEDIA 1');
    for (let i = 0; i < files.length; i++) {
      expect(page).toContain(`href="#file-${i}"`);
      expect(page).toContain(`<section class="file" id="file-${i}">`);
    }
    expect(page).toContain('<table class="sortable">');
  });

  it('per file: why the verdict, hashes, and per person a timeline with the bands and the kept crops', () => {
    const first = page.slice(page.indexOf('id="file-0"'), page.indexOf('id="file-1"'));
    expect(first).toContain('person #0 decided');
    expect(first).toContain(files[0]!.sha256!);
    expect(first).toContain('a'.repeat(64)); // the model's weights
    expect(first).toContain('<svg class="timeline"');
    expect(first.match(/<circle /g)).toHaveLength(4); // one dot per face
    expect(first).toContain('src="data:image/jpeg;base64,' + Buffer.from('jpeg-bytes').toString('base64') + '"');
    expect(first).toContain('crop abc-t0-f0.png not available'); // no picture given for it
    expect(first).toContain('highest: 0.900 at 0.50 s');
    const none = page.slice(page.indexOf('id="file-2"'), page.indexOf('id="file-3"'));
    expect(none).toContain('no usable face');
    const bad = page.slice(page.indexOf('id="file-3"'));
    expect(bad).toContain('error <code>DAMAGED_MEDIA</code>');
    expect(bad).toContain('No verdict');
  });
});
