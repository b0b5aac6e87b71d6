/** Result rows, their CSV, and the HTML report, from hand-made images and map figures. */
import { describe, expect, it } from 'vitest';
import type { MapReport } from '../../../workers/protocol';
import type { InspectedImage } from '../state/types';
import { escapeHtml, htmlReport } from './html-report';
import { CSV_COLUMNS, resultRows, toCsv } from './results';

function image(id: string, name: string, score: number | null, status: InspectedImage['status'] = 'done') {
  return {
    id,
    name,
    file: new File([], name),
    addedAt: 0,
    status,
    error: status === 'error' ? 'broken, truncated' : null,
    width: 4,
    height: 2,
    tiles: 1,
    thumb: null,
    result:
      score === null
        ? null
        : {
            score,
            mode: 'few-shot' as const,
            bank: 1,
            mapMin: 0,
            mapMax: 1,
            thumbMap: { width: 1, height: 1, data: new Float32Array(1) },
          },
    encodeMs: 1,
  } satisfies InspectedImage;
}

const ctx = {
  thresholds: { image: 0.5, pixel: 0.6 },
  k: 2,
  model: 'org/clip',
  weights: 'sampled-sha256-v1:ab',
  promptSet: '0123456789abcdef',
};
const map: MapReport = {
  width: 4,
  height: 2,
  maxPixel: 0.9,
  areaAbove: 3,
  areaAboveFraction: 3 / 8,
  regions: [
    { box: [0, 0, 2, 1], area: 2, peak: 0.9 },
    { box: [3, 1, 4, 2], area: 1, peak: 0.7 },
  ],
};

describe('result rows', () => {
  const images = [image('a', 'a.png', 0.7), image('b', 'b "x".png', 0.2), image('c', 'c.png', null, 'error')];
  const rows = resultRows(images, ctx, new Map([['a', map]]));

  it('carry verdict, map figures and identities', () => {
    expect(rows[0]).toMatchObject({
      verdict: 'NG',
      k: 2,
      max_pixel: 0.9,
      pixel_threshold: 0.6,
      area_px: 3,
      area_percent: 37.5,
    });
    expect(rows[0].regions).toEqual([
      { box: [0, 0, 2, 1], area: 2, area_percent: 25, peak: 0.9, state: null },
      { box: [3, 1, 4, 2], area: 1, area_percent: 12.5, peak: 0.7, state: null },
    ]);
    expect(rows[1]).toMatchObject({ verdict: 'OK', max_pixel: null, area_px: null, regions: null });
    expect(rows[2]).toMatchObject({ status: 'error', image_score: null, verdict: null });
  });

  it('become CSV with quoting, the region count and the top region', () => {
    const csv = toCsv(rows, ctx);
    // Excel-flavoured: BOM first, CRLF line ends.
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines[0]).toBe(
      'file,width,height,image_score,verdict,status,mode,k,image_threshold,pixel_threshold,threshold_mode,' +
        'max_pixel,area_px,area_percent,regions,top_region_left,top_region_top,top_region_right,' +
        'top_region_bottom,top_region_area,top_region_area_percent,top_region_peak,top_region_state,top_state,' +
        'label,model,weights,prompt_set,error',
    );
    expect(lines[1]).toBe(
      'a.png,4,2,0.7,NG,scored,few-shot,2,0.5,0.6,,0.9,3,37.5,2,0,0,2,1,2,25,0.9,,,,org/clip,sampled-sha256-v1:ab,0123456789abcdef,',
    );
    expect(lines[2].startsWith('"b ""x"".png",4,2,0.2,OK,scored,')).toBe(true);
    expect(lines[3].endsWith(',"broken, truncated"')).toBe(true);
  });

  it('make an HTML report with every image and nothing external', () => {
    const html = htmlReport({
      title: 'Report <bottle>',
      createdAt: new Date(0),
      rows,
      overlays: new Map([['a.png', 'data:image/png;base64,AAAA']]),
      recipe: null,
      recipeDataUri: null,
      backend: 'wasm',
      promptSet: '0123456789abcdef',
    });
    expect(html).toContain('<title>Report &lt;bottle&gt;</title>');
    expect(html.match(/<tr class="v-/g)).toHaveLength(3);
    expect(html).toContain('<img alt="a.png" src="data:image/png;base64,AAAA">');
    expect(html).toContain('b &quot;x&quot;.png');
    // One precision (4 decimals) on the page, the full value in the tooltip.
    expect(html).toContain('<td class="num" title="0.7">0.7000</td>');
    expect(html).toContain('Image threshold<b title="0.5">0.5000</b>');
    expect(html).toContain('prompt set 0123456789abcdef');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toContain('<script');
    // REVIEW and unjudged rows say so; the summary counts them.
    const more = htmlReport({
      title: 'r',
      createdAt: new Date(0),
      rows: [
        { ...rows[0], verdict: 'REVIEW' },
        { ...rows[1], verdict: null, status: 'unjudged', image_threshold: null },
      ],
      overlays: new Map(),
      recipe: null,
      recipeDataUri: null,
      backend: null,
      promptSet: null,
    });
    expect(more).toContain('<td class="verdict">REVIEW</td>');
    expect(more).toContain('<td class="verdict">Not judged yet</td>');
    expect(more).toContain('REVIEW<b>1</b>');
    expect(more).toContain('Unjudged<b>1</b>');
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });
});
