/** The hook behind every verdict on screen: each image's own-mode policy and its reported regions. */
import { useShallow } from 'zustand/react/shallow';
import { currentModeKey, imagePolicy, useCalib } from './calibration';
import type { PolicyOf } from './judging';
import { regionsLookup, useRegionReports } from './region-reports';
import type { RegionsOf } from './selectors';
import { useApp } from './store';

export interface Judging {
  policyOf: PolicyOf;
  regionsOf: RegionsOf;
  /** The current mode's key, and whether it has a threshold yet. */
  modeKey: string;
  judged: boolean;
}

export function useJudging(): Judging {
  const { thresholds, modeKey } = useApp(
    useShallow((s) => ({ thresholds: s.thresholds, modeKey: currentModeKey(s) })),
  );
  const byMode = useCalib((c) => c.byMode);
  const reports = useRegionReports((r) => r.byId);
  const policyOf: PolicyOf = (im) => imagePolicy(im, modeKey, thresholds, byMode);
  return {
    policyOf,
    regionsOf: regionsLookup(reports, (im) => policyOf(im)?.pixelThreshold),
    modeKey,
    judged: byMode[modeKey] !== undefined,
  };
}
