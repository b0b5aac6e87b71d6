/**
 * CLIP BPE tokenisation through @huggingface/tokenizers with OpenCLIP's context handling:
 * [<|startoftext|>, …, <|endoftext|>], at most `contextLength` ids; longer texts keep their first
 * contextLength ids and end with <|endoftext|> (open_clip.tokenizer truncation).
 */
import { Tokenizer } from '@huggingface/tokenizers';

const CLIP_TOKENIZER_CONFIG = {
  model_max_length: 77,
  bos_token: '<|startoftext|>',
  eos_token: '<|endoftext|>',
  pad_token: '<|endoftext|>',
  unk_token: '<|endoftext|>',
  do_lower_case: true,
};

class TokenizerError extends Error {
  override name = 'TokenizerError';
}

export class ClipTokenizer {
  private readonly tok: Tokenizer;
  readonly eotId: number;
  readonly sotId: number;

  constructor(
    tokenizerJson: unknown,
    readonly contextLength = 77,
  ) {
    const j = tokenizerJson as { model?: { vocab?: Record<string, number> } } | null;
    const vocab = j?.model?.vocab;
    if (!vocab || typeof vocab !== 'object') {
      throw new TokenizerError('tokenizer.json: not a Hugging Face tokenizer file (no model.vocab)');
    }
    const eot = vocab['<|endoftext|>'];
    const sot = vocab['<|startoftext|>'];
    if (typeof eot !== 'number' || typeof sot !== 'number') {
      throw new TokenizerError(
        'tokenizer.json: not a CLIP tokenizer (no <|startoftext|>/<|endoftext|> tokens)',
      );
    }
    this.eotId = eot;
    this.sotId = sot;
    this.tok = new Tokenizer(tokenizerJson as object, CLIP_TOKENIZER_CONFIG);
  }

  /** Token ids of one text, with BOS/EOS, truncated to the context length. */
  encode(text: string): Int32Array {
    let ids = this.tok.encode(text).ids as number[];
    if (ids[0] !== this.sotId) ids = [this.sotId, ...ids];
    if (ids[ids.length - 1] !== this.eotId) ids = [...ids, this.eotId];
    if (ids.length > this.contextLength) {
      ids = ids.slice(0, this.contextLength);
      ids[this.contextLength - 1] = this.eotId;
    }
    return Int32Array.from(ids);
  }
}
