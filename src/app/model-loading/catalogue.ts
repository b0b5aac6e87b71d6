export { formatBytes } from '../../core/format-bytes';

/** Built-in OpenCLIP ViTs on the Hugging Face hub (repos serving open_clip_config.json + open_clip_model.safetensors). */
export interface CatalogueEntry {
  repo: string;
  /** OpenCLIP architecture name. */
  arch: string;
  pretrained: string;
  /** float32 checkpoint size, for the download estimate. */
  approxBytes: number;
  note: string;
}

export const CATALOGUE: CatalogueEntry[] = [
  {
    repo: 'timm/vit_base_patch16_plus_clip_240.laion400m_e31',
    arch: 'ViT-B-16-plus-240',
    pretrained: 'LAION-400M e31',
    approxBytes: 834e6,
    note: "The paper's backbone: 240 px input, 15×15 patch grid.",
  },
  {
    repo: 'timm/vit_base_patch16_clip_224.laion400m_e32',
    arch: 'ViT-B-16',
    pretrained: 'LAION-400M e32',
    approxBytes: 599e6,
    note: 'Smaller and faster; 224 px input, 14×14 grid.',
  },
  {
    repo: 'timm/vit_large_patch14_clip_224.laion400m_e32',
    arch: 'ViT-L-14',
    pretrained: 'LAION-400M e32',
    approxBytes: 1710e6,
    note: 'Largest and slowest; 16×16 grid. Needs a GPU with ≥ 4 GB.',
  },
  {
    repo: 'laion/CLIP-ViT-L-14-laion2B-s32B-b82K',
    arch: 'ViT-L-14',
    pretrained: 'LAION-2B s32B',
    approxBytes: 1710e6,
    note: 'ViT-L-14 trained on LAION-2B.',
  },
];

export function catalogueEntry(repo: string): CatalogueEntry | undefined {
  return CATALOGUE.find((e) => e.repo === repo);
}
