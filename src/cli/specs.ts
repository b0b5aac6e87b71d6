/** The flags, help and examples of every subcommand (kept free of heavy imports: `--help` loads only this). */
import { IMAGE_EXTENSIONS, SUPPORTED_FORMATS_TEXT } from '../core/image-formats';
import { DEVICE_CHOICES } from '../engine/devices';
import type { CommandSpec, FlagSpec } from './flags';
import { INSPECTION_FLAGS } from './inspection-flags';
import { LOT_FLAGS, MUSC_FLAGS } from './musc-flags';
import { PROMPT_FLAGS } from './prompt-flags';

const DEVICE_FLAG = {
  device: {
    type: 'string',
    arg: DEVICE_CHOICES.join('|'),
    help: "where the graphs run: webgpu (onnxruntime-node's Dawn), cuda (its CUDA build), or auto (first that starts of cuda, webgpu, cpu; printed on stderr)",
    shownDefault: 'cpu',
  },
} satisfies Record<string, FlagSpec>;

const QUIET_FLAG = {
  quiet: {
    type: 'boolean',
    short: 'q',
    help: 'no progress and no notes on stderr; errors are still reported',
    shownDefault: 'off',
  },
} satisfies Record<string, FlagSpec>;

const spec = <F extends Record<string, FlagSpec>>(s: CommandSpec<F>): CommandSpec<F> => s;

export const SCORE_SPEC = spec({
  name: 'score',
  brief: 'anomaly score and map per image, zero- or few-shot, or a lot scored against itself',
  summary:
    'Scores images zero-shot (WinCLIP) or, with --ref, few-shot (WinCLIP+); with --method musc, all the images\n' +
    'form one unlabeled lot and each is scored against the others (MuSc). Folders are searched recursively for\n' +
    `${SUPPORTED_FORMATS_TEXT} files (${IMAGE_EXTENSIONS.join(' ')}; a TIFF's first page);\n` +
    'quoted globs (e.g. "parts/**/*.png") are expanded. A file that cannot be scored is reported on stderr and as\n' +
    '{"file", "error"} in the results; the others are still scored and the exit status is 1 at the end. On a\n' +
    'terminal, progress is shown on stderr while the results go to a file or a pipe.',
  positionals: '<image|folder|glob>...',
  flags: {
    model: {
      type: 'string',
      arg: '<dir|owner/name[@rev]>',
      help: 'model folder (open_clip_config.json, *.safetensors, tokenizer.json), or a Hugging Face hub model, downloaded into the hub cache (HF_HOME, HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE); required',
    },
    ...PROMPT_FLAGS,
    ref: {
      type: 'string',
      multiple: true,
      arg: '<image|folder|glob>',
      help: 'reference image(s) of good parts (few-shot)',
    },
    recipe: {
      type: 'string',
      arg: '<recipe.json>',
      help: "an app recipe: its prompts, reference shots, thresholds with their review band and region rule, inspection region and don't-care areas (instead of --object/--prompts/--ref; the threshold and inspection flags override its values)",
    },
    out: {
      type: 'string',
      arg: '<file.json>',
      help: 'write the results with anomaly maps to this file instead of stdout',
    },
    csv: {
      type: 'string',
      arg: '<file.csv>',
      help: 'also write one row per image (RFC 4180, CRLF): file,width,height,image_score,…,error',
    },
    'csv-excel': {
      type: 'boolean',
      help: 'with --csv: add a UTF-8 BOM and quote-prefix text starting with = + - @ (for spreadsheets)',
      shownDefault: 'off',
    },
    maps: {
      type: 'string',
      arg: '<dir>',
      help: 'also write <path>.npy (float32 H×W map) and <path>.overlay.png per image (a.png → a.png.npy)',
    },
    jsonl: {
      type: 'boolean',
      help: 'print one JSON record per image on stdout as it finishes (JSON Lines) instead of the document',
      shownDefault: 'off',
    },
    'image-threshold': {
      type: 'string',
      arg: '<t>',
      help: 'add "verdict": NG when image_score >= t, else OK (winclip calibrate suggests t)',
    },
    'pixel-threshold': {
      type: 'string',
      arg: '<t>',
      help: 'add "max_pixel" and "regions" above t: [{box: [l,t,r,b], area, area_percent, peak, state}]',
    },
    ...INSPECTION_FLAGS,
    'print-maps': {
      type: 'boolean',
      help: 'include anomaly_map in the JSON (or --jsonl lines) printed on stdout',
      shownDefault: 'off',
    },
    'fail-on-ng': {
      type: 'boolean',
      help: 'exit 3 when any image is NG, after writing every result (needs --image-threshold or a recipe with thresholds; exit 1 for images that could not be scored takes precedence)',
      shownDefault: 'off',
    },
    ...MUSC_FLAGS,
    ...QUIET_FLAG,
    ...DEVICE_FLAG,
    help: { type: 'boolean', short: 'h', help: 'show this help' },
  },
  notes: [
    'output: {"format": "winclip-results", "version": 1, "created", "tool", "model", "prompt_set", "thresholds",',
    '"method", "images": [{"file", "width", "height", "image_score", "anomaly_map": [H·W values, row-major]}]}',
    '(schema: docs/results.schema.json); a region box is [left, top, right, bottom] in pixels, right and bottom',
    'exclusive. --jsonl prints the same image records, one per line, with nothing around them.',
    "stdout leaves anomaly_map out unless --print-maps; --out files always have it. --maps keeps the images'",
    'paths relative to their common folder, so equal names in different folders stay apart.',
    '--method musc: each record also has "max_score" (the map max before the lot-relative re-scoring;',
    '--image-threshold applies to it, so a threshold means the same from lot to lot) and "map_width",',
    '"map_height" (S; anomaly_map is S×S); "image_score" is min-max normalised within the lot.',
    '--roi: "roi": {x, y, width, height} in each record, anomaly_map is roi.height·roi.width, region boxes stay',
    'in image pixels; the run\'s "inspection" has the ROI and the --ignore boxes. With --method musc each image',
    'of the lot is cropped to the ROI (--ignore and --min-region-area do not apply there).',
  ],
  examples: [
    'winclip score --model ./ViT-B-16-plus-240 --object "metal nut" part1.png part2.jpg',
    'winclip score --model timm/vit_base_patch16_plus_clip_240.laion400m_e31 --object bottle x.png',
    'winclip score --model ./model --object bottle --ref good/ --out scores.json --csv scores.csv --maps maps/ test/',
    'winclip score --model ./model --object bottle --jsonl test/ | jq -c "{file, image_score}"',
    'winclip score --model ./ViT-B-16-plus-240 --method musc --out lot.json lot-0412/',
    'winclip score --model ./model --object bottle --ref good/ --roi 40,30,400,300 --ignore 300,40,80,30 --image-threshold 0.3 --review-threshold 0.27 --pixel-threshold 0.5 --min-region-area 0.2% test/',
  ],
});

export const CALIBRATE_SPEC = spec({
  name: 'calibrate',
  brief: 'leave-one-out scores of good references and suggested thresholds',
  summary:
    'Scores every --ref image few-shot against the OTHER references (leave-one-out), which shows what normal\n' +
    'parts score with these prompts, and suggests an image and a pixel threshold for winclip score\n' +
    '(--image-threshold, --pixel-threshold). Needs at least 2 references; more give a better estimate.',
  flags: {
    model: {
      type: 'string',
      arg: '<dir|owner/name[@rev]>',
      help: 'model folder or hub model (as for score); required',
    },
    ...PROMPT_FLAGS,
    ref: {
      type: 'string',
      multiple: true,
      arg: '<image|folder|glob>',
      help: 'reference images of good parts (at least 2)',
    },
    recipe: {
      type: 'string',
      arg: '<recipe.json>',
      help: 'an app recipe: its prompts and reference shots (instead of --object/--prompts/--ref)',
    },
    'write-recipe': {
      type: 'string',
      arg: '<recipe.json>',
      help: 'write a recipe with the suggested few-shot thresholds and how they were found: the --recipe again, or without it a new one from --model, --object and the --ref images (for winclip score --recipe)',
    },
    margin: {
      type: 'string',
      arg: '<k>',
      help: 'threshold = largest leave-one-out score + k · their standard deviation',
      shownDefault: '1',
    },
    'false-reject-rate': {
      type: 'string',
      arg: '<r>',
      help: 'instead: the threshold that rejects a fraction r of the references (for large banks)',
    },
    out: { type: 'string', arg: '<file.json>', help: 'write the JSON here instead of stdout' },
    ...QUIET_FLAG,
    ...DEVICE_FLAG,
    help: { type: 'boolean', short: 'h', help: 'show this help' },
  },
  notes: [
    'output: {"references": [{"file", "image_score", "max_pixel", "pixel_quantiles"}], "image_threshold",',
    '"pixel_threshold", "rule", "image_scores": {n, min, max, mean, std}, "max_pixels": {…}}',
  ],
  examples: [
    'winclip calibrate --model ./model --object bottle --ref good/',
    'winclip calibrate --model ./model --object bottle --ref good1.png --ref good2.png --ref good3.png --margin 2',
    'winclip calibrate --model ./model --object bottle --ref good/ --write-recipe bottle.recipe.json',
  ],
});

export const EVAL_SPEC = spec({
  name: 'eval',
  brief: "the paper's tables on MVTec-AD or VisA",
  summary:
    "Reproduces the paper's tables on an MVTec-AD or VisA layout: per-category image AUROC/AUPR/F1-max and pixel\n" +
    'AUROC/PRO/F1-max, mean ± std over seeds. Tables on stdout, progress on stderr (redrawn on a terminal, one\n' +
    'line per phase otherwise; none with --quiet).',
  flags: {
    data: { type: 'string', arg: '<dir>', help: 'dataset root; required' },
    dataset: { type: 'string', arg: 'mvtec|visa', help: 'dataset layout; required' },
    model: {
      type: 'string',
      arg: '<dir|owner/name[@rev]>',
      help: 'model folder or hub model (as for score); required',
    },
    categories: { type: 'string', arg: 'a,b', help: 'categories to run', shownDefault: 'all in the dataset' },
    shots: { type: 'string', arg: '0,1,2,4', help: 'shot counts k', shownDefault: '0,1,2,4' },
    seeds: { type: 'string', arg: '<n>', help: 'random draws of the k shots', shownDefault: '5' },
    'object-names': {
      type: 'string',
      arg: '<file.json>',
      help: 'category → object name in the prompts',
      shownDefault: 'built in',
    },
    refs: { type: 'string', arg: '<file.json>', help: 'fixed reference shots instead of random draws' },
    ablation: {
      type: 'string',
      arg: '<name>',
      help: 'full, one-class, two-class, state-ensemble (Table 3); no-image-scale, no-mid-scale, no-small-scale, no-harmonic (Table 8)',
      shownDefault: 'full',
    },
    'pixel-size': {
      type: 'string',
      arg: '<n>',
      help: 'score pixel metrics with the shorter edge resized to n',
      shownDefault: 'full size',
    },
    out: { type: 'string', arg: '<file.json>', help: 'write every score and metric to this file' },
    cache: {
      type: 'string',
      arg: '<dir>',
      help: 'feature cache folder',
      shownDefault: '$XDG_CACHE_HOME/winclip/features',
    },
    'no-cache': { type: 'boolean', help: 'do not read or write the feature cache', shownDefault: 'off' },
    'exact-pixels': {
      type: 'string',
      arg: '<n>',
      help: 'past n pixels per run, pixel metrics use a fine histogram with a reported error bound',
      shownDefault: '8388608',
    },
    method: {
      type: 'string',
      arg: 'winclip|musc',
      help: 'musc: the zero-shot lot mode (MuSc), each category one unlabeled lot; --shots, --seeds, --refs, --ablation, --object-names and --cache are WinCLIP-only',
      shownDefault: 'winclip',
    },
    protocol: {
      type: 'string',
      arg: 'default|musc',
      help: "musc only: musc = MuSc's published protocol (maps and masks at S×S, pixel AP, its 200-threshold PRO); default = the WinCLIP metrics on maps resized to the masks",
      shownDefault: 'default',
    },
    divide: {
      type: 'string',
      arg: '<n>',
      help: "musc only: split each category into n lots as the official divide_num (seed 42, Python's shuffle per anomaly type)",
      shownDefault: '1',
    },
    ...LOT_FLAGS,
    // eval picks the k list by dataset, as the official code does.
    'rscin-k': { ...LOT_FLAGS['rscin-k'], shownDefault: '1,2,3; on VisA 1,8,9' },
    ...QUIET_FLAG,
    ...DEVICE_FLAG,
    help: { type: 'boolean', short: 'h', help: 'show this help' },
  },
  examples: [
    'winclip eval --data ./mvtec --dataset mvtec --model ./ViT-B-16-plus-240 --shots 0,1,2,4 --seeds 5 --out results.json',
    'winclip eval --data /tmp/synth --dataset mvtec --model ./model --categories bottle --ablation no-harmonic',
    'winclip eval --data ./mvtec --dataset mvtec --model ./ViT-L-14-336 --method musc --protocol musc --size 518',
  ],
});

export const SYNTH_SPEC = spec({
  name: 'synth',
  brief: 'a small synthetic dataset in the MVTec-AD or VisA layout',
  summary: 'Writes a small synthetic anomaly dataset in the MVTec-AD or VisA layout (for demos and tests).',
  flags: {
    out: { type: 'string', arg: '<dir>', help: 'output folder; required' },
    categories: {
      type: 'string',
      arg: 'a,b',
      help: 'categories to generate',
      shownDefault: 'all built-in ones',
    },
    train: { type: 'string', arg: '<n>', help: 'good training images per category', shownDefault: '8' },
    'test-good': { type: 'string', arg: '<n>', help: 'good test images per category', shownDefault: '6' },
    'test-bad': { type: 'string', arg: '<n>', help: 'defective test images per category', shownDefault: '6' },
    size: { type: 'string', arg: '<px>', help: 'image side', shownDefault: '256' },
    seed: { type: 'string', arg: '<n>', help: 'random seed', shownDefault: '0' },
    layout: { type: 'string', arg: 'mvtec|visa', help: 'folder layout', shownDefault: 'mvtec' },
    help: { type: 'boolean', short: 'h', help: 'show this help' },
  },
  examples: [
    'winclip synth --out /tmp/synth',
    'winclip synth --out /tmp/visa --layout visa --categories candle --size 128',
  ],
});

/** Every subcommand, for `winclip --help` and dispatch; a new one is a spec here and a case in main.ts. */
export const COMMAND_SPECS: CommandSpec[] = [SCORE_SPEC, CALIBRATE_SPEC, EVAL_SPEC, SYNTH_SPEC];
