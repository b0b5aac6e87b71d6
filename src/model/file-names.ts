/** The three files of an OpenCLIP model folder, as the hub serves them and as local folders hold them. */
export const CONFIG_FILE = 'open_clip_config.json';
export const WEIGHTS_FILE = 'open_clip_model.safetensors';
export const TOKENIZER_FILE = 'tokenizer.json';
