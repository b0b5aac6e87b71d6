import { describe, expect, it } from 'vitest';
import { csvCell, csvColumns, csvHeader, csvRow, csvTable } from './results-csv';
import { imageRecord, regionRecord } from './results-format';

const ctx = { model: 'models/vit', weights: null, prompt_set: '0123456789abcdef' };

describe('results CSV', () => {
  it('quotes per RFC 4180 and ends lines with CRLF', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvHeader(csvColumns(['image']))).toBe('file,width,height,image_score,error\r\n');
  });

  it('writes regions as a count and the top region, not JSON', () => {
    const columns = csvColumns(['image', 'verdict', 'pixel', 'provenance']);
    const rec = imageRecord({
      file: 'parts/a.png',
      width: 10,
      height: 10,
      imageScore: 0.8,
      verdict: 'NG',
      maxPixel: 0.9,
      regions: [
        regionRecord({ box: [1, 2, 4, 6], area: 10, peak: 0.9, state: 'crack' }, 10, 10),
        regionRecord({ box: [7, 7, 8, 8], area: 1, peak: 0.7 }, 10, 10),
      ],
    });
    expect(csvHeader(columns)).toBe(
      'file,width,height,image_score,verdict,max_pixel,regions,top_region_left,top_region_top,' +
        'top_region_right,top_region_bottom,top_region_area,top_region_area_percent,top_region_peak,' +
        'top_region_state,model,weights,prompt_set,error\r\n',
    );
    expect(csvRow(rec, columns, ctx)).toBe(
      'parts/a.png,10,10,0.8,NG,0.9,2,1,2,4,6,10,10,0.9,crack,models/vit,,0123456789abcdef,\r\n',
    );
  });

  it('an ROI adds its columns after the size, a REVIEW verdict and region boxes in image pixels', () => {
    const columns = csvColumns(['image', 'roi', 'verdict', 'pixel']);
    const roi = { x: 100, y: 50, width: 20, height: 10 };
    const rec = imageRecord({
      file: 'a.png',
      width: 640,
      height: 400,
      roi,
      imageScore: 0.28,
      verdict: 'REVIEW',
      maxPixel: 0.6,
      // Found at (1, 2)–(4, 6) of the ROI's map: (101, 52)–(104, 56) in the image, 10 of its 200 pixels.
      regions: [regionRecord({ box: [1, 2, 4, 6], area: 10, peak: 0.6 }, roi.width, roi.height, roi)],
    });
    expect(Object.keys(rec)).toEqual([
      'file',
      'width',
      'height',
      'roi',
      'image_score',
      'verdict',
      'max_pixel',
      'regions',
    ]);
    expect(csvHeader(columns)).toBe(
      'file,width,height,roi_x,roi_y,roi_width,roi_height,image_score,verdict,max_pixel,regions,' +
        'top_region_left,top_region_top,top_region_right,top_region_bottom,top_region_area,' +
        'top_region_area_percent,top_region_peak,top_region_state,error\r\n',
    );
    expect(csvRow(rec, columns, ctx)).toBe(
      'a.png,640,400,100,50,20,10,0.28,REVIEW,0.6,1,101,52,104,56,10,5,0.6,,\r\n',
    );
  });

  it('for Excel: BOM first, and text that looks like a formula is defused; numbers stay numbers', () => {
    const columns = csvColumns(['image']);
    const rec = imageRecord({
      file: '=HYPERLINK("x")',
      width: 2,
      height: 2,
      imageScore: -0.5,
      error: '@cmd',
    });
    const excel = csvTable([rec], columns, ctx, { excel: true });
    expect(excel).toBe(
      '\uFEFFfile,width,height,image_score,error\r\n"\'=HYPERLINK(""x"")",2,2,-0.5,\'@cmd\r\n',
    );
    for (const lead of ['+', '-', '=', '@']) expect(csvCell(`${lead}1`, { excel: true })).toBe(`'${lead}1`);
    expect(csvCell(-1, { excel: true })).toBe('-1');
    // The plain variant writes the text as it is, for scripts.
    expect(csvTable([rec], columns, ctx)).toBe(
      'file,width,height,image_score,error\r\n"=HYPERLINK(""x"")",2,2,-0.5,@cmd\r\n',
    );
  });
});
