import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderRocSvg } from '../../../src/eval/roc-svg.js';
import { aucFromRoc, MetricsError, rocCurve } from '../../../src/metrics/index.js';

/**
 * Minimal XML well-formedness check: one root <svg>, every start tag closed in
 * order, attributes quoted, no stray '<' or unescaped '&' in text.
 */
function checkXmlish(xml: string): { elements: Map<string, number> } {
  const text = xml.trim();
  expect(text.startsWith('<svg')).toBe(true);
  expect(text.endsWith('</svg>')).toBe(true);
  const stack: string[] = [];
  const elements = new Map<string, number>();
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  let roots = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt === -1 ? text.length : lt);
    expect(chunk, `unescaped & in "${chunk}"`).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(text);
    expect(m, `malformed tag at ${lt}: ${text.slice(lt, lt + 60)}`).not.toBeNull();
    const [whole, close, name, , selfClose] = m as RegExpExecArray;
    if (close) {
      expect(stack.pop(), `</${name}> closes the wrong element`).toBe(name);
    } else {
      if (stack.length === 0) roots++;
      elements.set(name as string, (elements.get(name as string) ?? 0) + 1);
      if (!selfClose) stack.push(name as string);
    }
    i = lt + whole.length;
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  return { elements };
}

function curveOf(real: number[], fake: number[], label: string) {
  const roc = rocCurve([...real, ...fake], [...real.map(() => 0), ...fake.map(() => 1)]);
  return { label, points: roc.points, auc: aucFromRoc(roc) };
}

describe('renderRocSvg', () => {
  const frame = curveOf([0.1, 0.4, 0.4, 0.8, 0.2, 0.3], [0.4, 0.6, 0.9, 0.7, 0.35], 'frame');
  const video = curveOf([0.1, 0.2, 0.5], [0.45, 0.8, 0.9], 'video <all> & "more"');

  it('is one balanced <svg> element with one polyline per curve, labels escaped', () => {
    const svg = renderRocSvg([frame, video], { title: 'ROC test' });
    const { elements } = checkXmlish(svg);
    expect(elements.get('svg')).toBe(1);
    expect(elements.get('polyline')).toBe(2);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain('video &lt;all&gt; &amp; &quot;more&quot; (AUC ');
    expect(svg).toContain(`frame (AUC ${frame.auc.toFixed(4)})`);
    expect(svg).toContain('stroke-dasharray'); // the chance diagonal
    expect(svg).not.toMatch(/<script|<image|@import|url\(|href=/);
    for (const tick of ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']) expect(svg).toContain(`>${tick}</text>`);
  });

  it('one curve, no title, a null AUC, and no curves at all still render', () => {
    const one = renderRocSvg([{ ...video, label: 'v', auc: null }]);
    expect(checkXmlish(one).elements.get('polyline')).toBe(1);
    expect(one).toContain('v (AUC n/a)');
    expect(checkXmlish(renderRocSvg([])).elements.get('polyline')).toBeUndefined();
  });

  it('simplifies huge curves without changing their ends', () => {
    const n = 20_000;
    const points = Array.from({ length: n + 1 }, (_, i) => ({ fpr: i / n, tpr: Math.sqrt(i / n) }));
    const svg = renderRocSvg([{ label: 'big', points, auc: 2 / 3 }]);
    const attr = /<polyline points="([^"]*)"/.exec(svg)?.[1] ?? '';
    const pts = attr.split(' ');
    expect(pts.length).toBeGreaterThan(10);
    expect(pts.length).toBeLessThan(1000);
    // (0,0) is the plot's bottom-left (64, 420) and (1,1) its top-right (464, 20).
    expect(pts[0]).toBe('64,420');
    expect(pts.at(-1)).toBe('464,20');
  });

  it('refuses points outside the unit square', () => {
    expect(() => renderRocSvg([{ label: 'x', points: [{ fpr: 0, tpr: 1.2 }], auc: 1 }])).toThrow(MetricsError);
  });

  it('rasterises (librsvg parses it) to the declared size', async () => {
    const svg = renderRocSvg([frame, video], { title: 'ROC test' });
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(64 + 400 + 24);
    expect(meta.height).toBe(44 + 400 + 56);
  });
});
