import { describe, expect, it } from 'vitest';
import { etagOf, hubFileUrl, parseHubRef, repoCommitOf } from './hub';

describe('hub URLs and revisions', () => {
  it('escapes the revision whole and the path by segment, as huggingface_hub quotes them', () => {
    expect(hubFileUrl('https://hf.co/', 'o/n', 'open_clip_config.json')).toBe(
      'https://hf.co/o/n/resolve/main/open_clip_config.json',
    );
    expect(hubFileUrl('https://hf.co', 'o/n', 'sub dir/a#b.json', 'refs/pr/1')).toBe(
      'https://hf.co/o/n/resolve/refs%2Fpr%2F1/sub%20dir/a%23b.json',
    );
  });

  it('reads owner/name[@revision]', () => {
    expect(parseHubRef('timm/vit_b.laion')).toEqual({ repo: 'timm/vit_b.laion', revision: 'main' });
    expect(parseHubRef('o/n@v1.0')).toEqual({ repo: 'o/n', revision: 'v1.0' });
    expect(parseHubRef('o/n@')).toBeNull();
    expect(parseHubRef('./model')).toBeNull();
    expect(parseHubRef('/abs/path/model')).toBeNull();
  });

  it('takes the commit and the blob name from the response headers', () => {
    const res = new Response(null, {
      headers: { 'X-Repo-Commit': 'abc', 'X-Linked-Etag': '"sha256hex"', ETag: 'W/"pointer"' },
    });
    expect(repoCommitOf(res)).toBe('abc');
    expect(etagOf(res)).toBe('sha256hex');
    expect(etagOf(new Response(null, { headers: { ETag: 'W/"small"' } }))).toBe('small');
    expect(etagOf(new Response(null))).toBeNull();
  });
});
