/**
 * What the engine needs of a tokenizer.json, checked without building the tokenizer (so the page's
 * loader can check it without the tokenizer library, and the engine can build it later).
 */

/** What @huggingface/tokenizers requires of a tokenizer.json, checked up front since it is built later. */
const REQUIRED_KEYS = ['model', 'decoder', 'post_processor', 'pre_tokenizer', 'normalizer', 'added_tokens'];

export class TokenizerError extends Error {
  override name = 'TokenizerError';
}

export interface TokenizerJson {
  model?: { vocab?: Record<string, number>; merges?: unknown };
}

/**
 * Refuses a parsed tokenizer.json that is not CLIP's kind (a Hugging Face BPE tokenizer with CLIP's
 * start and end tokens), saying what it lacks; `name` is the file's name in the message.
 */
export function checkClipTokenizer(json: unknown, name = 'tokenizer.json'): void {
  const j = json as TokenizerJson | null;
  const vocab = j?.model?.vocab;
  if (!j || !vocab || typeof vocab !== 'object') {
    throw new TokenizerError(`${name}: not a Hugging Face tokenizer file (no model.vocab)`);
  }
  const missing = REQUIRED_KEYS.filter((k) => !(k in j));
  if (missing.length > 0 || !Array.isArray(j.model?.merges)) {
    const what = missing.length > 0 ? `no ${missing.join(', ')}` : 'no model.merges list';
    throw new TokenizerError(`${name}: not a BPE tokenizer file as CLIP uses (${what})`);
  }
  if (typeof vocab['<|endoftext|>'] !== 'number' || typeof vocab['<|startoftext|>'] !== 'number') {
    throw new TokenizerError(`${name}: not a CLIP tokenizer (no <|startoftext|>/<|endoftext|> tokens)`);
  }
}
