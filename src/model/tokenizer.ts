/**
 * CLIP BPE tokenisation through @huggingface/tokenizers with OpenCLIP's context handling:
 * [<|startoftext|>, …, <|endoftext|>], at most `contextLength` ids; longer texts keep their first
 * contextLength ids and end with <|endoftext|> (open_clip.tokenizer truncation).
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { errorText } from '../core/errors';

const CLIP_TOKENIZER_CONFIG = {
  model_max_length: 77,
  bos_token: '<|startoftext|>',
  eos_token: '<|endoftext|>',
  pad_token: '<|endoftext|>',
  unk_token: '<|endoftext|>',
  do_lower_case: true,
};

/** What @huggingface/tokenizers requires of a tokenizer.json, checked up front since it is built later. */
const REQUIRED_KEYS = ['model', 'decoder', 'post_processor', 'pre_tokenizer', 'normalizer', 'added_tokens'];

class TokenizerError extends Error {
  override name = 'TokenizerError';
}

export class ClipTokenizer {
  /** Built on the first `encode` (~150 ms for CLIP's vocabulary): after a reload every prompt embedding is stored. */
  private tok: Tokenizer | null = null;
  readonly eotId: number;
  readonly sotId: number;

  /** The tokenizer.json until the tokenizer is built from it. */
  private json: unknown;

  constructor(
    json: unknown,
    readonly contextLength = 77,
  ) {
    this.json = json;
    const j = json as { model?: { vocab?: Record<string, number>; merges?: unknown } } | null;
    const vocab = j?.model?.vocab;
    if (!vocab || typeof vocab !== 'object') {
      throw new TokenizerError('tokenizer.json: not a Hugging Face tokenizer file (no model.vocab)');
    }
    const missing = REQUIRED_KEYS.filter((k) => !(k in (j as object)));
    if (missing.length > 0 || !Array.isArray(j.model?.merges)) {
      const what = missing.length > 0 ? `no ${missing.join(', ')}` : 'no model.merges list';
      throw new TokenizerError(`tokenizer.json: not a BPE tokenizer file as CLIP uses (${what})`);
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
  }

  private tokenizer(): Tokenizer {
    if (!this.tok) {
      try {
        this.tok = new Tokenizer(this.json as object, CLIP_TOKENIZER_CONFIG);
      } catch (err) {
        throw new TokenizerError(`tokenizer.json could not be read: ${errorText(err)}`);
      }
      this.json = null;
    }
    return this.tok;
  }

  /** Token ids of one text, with BOS/EOS, truncated to the context length. */
  encode(text: string): Int32Array {
    let ids = this.tokenizer().encode(text).ids as number[];
    if (ids[0] !== this.sotId) ids = [this.sotId, ...ids];
    if (ids[ids.length - 1] !== this.eotId) ids = [...ids, this.eotId];
    if (ids.length > this.contextLength) {
      ids = ids.slice(0, this.contextLength);
      ids[this.contextLength - 1] = this.eotId;
    }
    return Int32Array.from(ids);
  }
}
