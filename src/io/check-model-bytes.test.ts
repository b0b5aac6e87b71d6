/** A downloaded safetensors file must have exactly the size its own header describes. */
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '../model/safetensors-writer';
import { checkDownloadedSafetensorsSize } from './check-model-bytes';

const file = writeSafetensors([
  { name: 'a', dtype: 'F32', shape: [4], data: new Uint8Array(16) },
  { name: 'b', dtype: 'F32', shape: [2], data: new Uint8Array(8) },
]);

describe('checkDownloadedSafetensorsSize', () => {
  it('accepts the file as written', () => {
    expect(() => checkDownloadedSafetensorsSize(file, 'w.safetensors')).not.toThrow();
  });

  it('refuses a shorter or longer download, with both sizes', () => {
    const short = file.subarray(0, file.length - 4);
    expect(() => checkDownloadedSafetensorsSize(short, 'w.safetensors')).toThrow(
      `w.safetensors: the download has ${file.length - 4} bytes but the file's header describes ${file.length}; the file changed on the server`,
    );
    const long = new Uint8Array(file.length + 10);
    long.set(file);
    expect(() => checkDownloadedSafetensorsSize(long, 'w.safetensors')).toThrow(
      `the download has ${file.length + 10} bytes but the file's header describes ${file.length}`,
    );
  });

  it('refuses a download that ends inside the header', () => {
    expect(() => checkDownloadedSafetensorsSize(file.subarray(0, 20), 'w.safetensors')).toThrow(
      'w.safetensors: the download has 20 bytes, less than its own header',
    );
  });
});
