/**
 * The results gallery: a keyboard-navigable listbox of cards (arrows, Home/End, Enter opens, Delete
 * removes, G marks the focused image OK and N marks it NG; the same key again clears the mark).
 */
import { type KeyboardEvent, useCallback, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { toggleLabel } from '../../services/calibration-service';
import { removeImages } from '../../services/inspection-service';
import { currentModeKey, imageThresholdFor, labelOf, normalRange, useCalib } from '../../state/calibration';
import { heatmapStyleFor } from '../../state/heatmap-style';
import { withLabel } from '../../state/label-filter';
import { visibleImages } from '../../state/selectors';
import { inFolder, useSessions } from '../../state/session-store';
import { patchUi, useApp } from '../../state/store';
import { ResultCard } from './ResultCard';

function columnsOf(list: HTMLElement): number {
  const cards = Array.from(list.querySelectorAll<HTMLElement>('[role="option"]'));
  if (cards.length === 0) return 1;
  const top = cards[0].offsetTop;
  const n = cards.findIndex((c) => c.offsetTop !== top);
  return n === -1 ? cards.length : n;
}

export function Gallery() {
  const { images, sort, filter, thresholds, selectedId, settings, modeKey } = useApp(
    useShallow((s) => ({
      images: s.images,
      sort: s.ui.sort,
      filter: s.ui.filter,
      thresholds: s.thresholds,
      selectedId: s.ui.selectedId,
      settings: s.settings,
      modeKey: currentModeKey(s),
    })),
  );
  const { byMode, labels, loo } = useCalib(
    useShallow((c) => ({ byMode: c.byMode, labels: c.labels, loo: c.loo })),
  );
  const normalLow = normalRange(loo, modeKey)?.low ?? null;
  const list = useRef<HTMLDivElement>(null);
  const folder = useSessions((s) => s.folder);
  const labelFilter = useSessions((s) => s.labelFilter);
  const ownThreshold = (im: (typeof images)[number]) => imageThresholdFor(im, modeKey, thresholds, byMode);
  const visible = visibleImages(
    withLabel(folder ? images.filter((im) => inFolder(im.name, folder)) : images, labels, labelFilter),
    sort,
    filter,
    ownThreshold,
  );
  const focusId = visible.some((im) => im.id === selectedId) ? selectedId : (visible[0]?.id ?? null);

  const select = useCallback((id: string) => patchUi({ selectedId: id }), []);
  const open = useCallback((id: string) => patchUi({ selectedId: id, detailOpen: true }), []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (!list.current || visible.length === 0) return;
    const i = Math.max(
      0,
      visible.findIndex((im) => im.id === focusId),
    );
    const cols = columnsOf(list.current);
    let next = i;
    switch (e.key) {
      case 'ArrowRight':
        next = Math.min(visible.length - 1, i + 1);
        break;
      case 'ArrowLeft':
        next = Math.max(0, i - 1);
        break;
      case 'ArrowDown':
        next = Math.min(visible.length - 1, i + cols);
        break;
      case 'ArrowUp':
        next = Math.max(0, i - cols);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = visible.length - 1;
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        open(visible[i].id);
        return;
      case 'g':
      case 'G':
        e.preventDefault();
        toggleLabel(visible[i], 'OK');
        return;
      case 'n':
      case 'N':
        e.preventDefault();
        toggleLabel(visible[i], 'NG');
        return;
      case 'Delete':
      case 'Backspace':
        e.preventDefault();
        removeImages([visible[i].id]);
        return;
      default:
        return;
    }
    e.preventDefault();
    const id = visible[next].id;
    select(id);
    list.current.querySelector<HTMLElement>(`[data-id="${id}"]`)?.focus();
  };

  if (visible.length === 0) {
    return <p className="muted empty-filter">No images match this filter.</p>;
  }
  return (
    <div
      ref={list}
      className="gallery"
      role="listbox"
      aria-label="Inspection results"
      tabIndex={-1}
      onKeyDown={onKeyDown}
      data-testid="gallery"
    >
      {visible.map((im) => {
        const style = heatmapStyleFor(settings, im, images, thresholds.pixel, normalLow);
        return (
          <ResultCard
            key={im.id}
            image={im}
            threshold={ownThreshold(im)}
            label={labelOf(labels, im)}
            selected={im.id === selectedId}
            focusable={im.id === focusId}
            colormap={settings.colormap}
            rangeLo={style.range[0]}
            rangeHi={style.range[1]}
            split={style.split}
            opacity={settings.heatmapOpacity}
            showHeatmap={settings.showHeatmap}
            onSelect={select}
            onOpen={open}
          />
        );
      })}
    </div>
  );
}
