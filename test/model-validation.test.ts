/** Model files that parse but are wrong are refused at load with a message naming the culprit. */
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../src/model/config';
import { randomSafetensors } from '../src/model/random-weights';
import { parseSafetensors } from '../src/model/safetensors';
import { writeSafetensors } from '../src/model/safetensors-writer';
import { ModelWeights } from '../src/model/weights';
import { CONFIG_CASES, TINY_CONFIG, WEIGHTS_CASES } from './fuzz/model-cases';

const tinyConfig = parseModelConfig(TINY_CONFIG);

describe('safetensors and weights validation', () => {
  it('accepts well-formed files, including a zero-length tensor and an empty one', () => {
    expect(() => ModelWeights.fromBytes(randomSafetensors(tinyConfig, 1), tinyConfig)).not.toThrow();
    const f = parseSafetensors(
      writeSafetensors([
        { name: 'e', dtype: 'F32', shape: [0], data: new Uint8Array(0) },
        { name: 'x', dtype: 'F32', shape: [2], data: new Uint8Array(8) },
      ]),
    );
    expect([...f.tensors.keys()]).toEqual(['e', 'x']);
  });

  it.each(WEIGHTS_CASES.map((c) => [c.name, c] as const))('refuses %s', (_name, c) => {
    const load = () =>
      c.forTinyConfig ? ModelWeights.fromBytes(c.bytes(), tinyConfig) : parseSafetensors(c.bytes());
    expect(load).toThrow(c.expect);
  });

  it.each(CONFIG_CASES.map((c) => [c.name, c] as const))('explains that %s is unsupported', (_name, c) => {
    expect(() => parseModelConfig(c.config)).toThrow(c.expect);
  });
});
