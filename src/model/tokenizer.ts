/**
 * CLIP BPE tokenisation through @huggingface/tokenizers with OpenCLIP's context handling:
 * [<|startoftext|>, …, <|endoftext|>], at most `contextLength` ids; longer texts keep their first
 * contextLength ids and end with <|endoftext|> (open_clip.tokenizer truncation).
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { errorText } from '../core/errors';
import { checkClipTokenizer, TokenizerError, type TokenizerJson } from './tokenizer-check';

const CLIP_TOKENIZER_CONFIG = {
  model_max_length: 77,
  bos_token: '<|startoftext|>',
  eos_token: '<|endoftext|>',
  pad_token: '<|endoftext|>',
  unk_token: '<|endoftext|>',
  do_lower_case: true,
};

export class ClipTokenizer {
  /**
   * The tokenizer.json, parsed, or its bytes once checked (`checkClipTokenizer`, as the app's loader
   * does): the tokenizer is built from it at the first `encode` (~150 ms for CLIP's vocabulary, and the
   * parse), since after a reload every prompt embedding is stored.
   */
  private source: unknown;
  private built: { tok: Tokenizer; sot: number; eot: number } | null = null;

  constructor(
    tokenizer: unknown,
    readonly contextLength = 77,
  ) {
    if (!(tokenizer instanceof Uint8Array)) checkClipTokenizer(tokenizer);
    this.source = tokenizer;
  }

  private tokenizer() {
    if (!this.built) {
      let json: TokenizerJson;
      try {
        json = (
          this.source instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(this.source)) : this.source
        ) as TokenizerJson;
        checkClipTokenizer(json);
        const tok = new Tokenizer(json as object, CLIP_TOKENIZER_CONFIG);
        const vocab = json.model!.vocab!;
        this.built = { tok, sot: vocab['<|startoftext|>'], eot: vocab['<|endoftext|>'] };
      } catch (err) {
        if (err instanceof TokenizerError) throw err;
        throw new TokenizerError(`tokenizer.json could not be read: ${errorText(err)}`);
      }
      this.source = null;
    }
    return this.built;
  }

  /** Token ids of one text, with BOS/EOS, truncated to the context length. */
  encode(text: string): Int32Array {
    const { tok, sot, eot } = this.tokenizer();
    let ids = tok.encode(text).ids as number[];
    if (ids[0] !== sot) ids = [sot, ...ids];
    if (ids[ids.length - 1] !== eot) ids = [...ids, eot];
    if (ids.length > this.contextLength) {
      ids = ids.slice(0, this.contextLength);
      ids[this.contextLength - 1] = eot;
    }
    return Int32Array.from(ids);
  }
}
