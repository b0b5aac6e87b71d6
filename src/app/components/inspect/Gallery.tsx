/**
 * The results gallery: a keyboard-navigable listbox of cards (arrows, Home/End, Enter opens, Delete
 * removes, G marks the focused image OK and N marks it NG; the same key again clears the mark).
 *
 * Virtualized by rows: only the rows near the viewport (plus OVERSCAN_ROWS above and below, and the
 * focused card's row so keyboard focus survives scrolling) are in the DOM, so cards and their canvases
 * stay bounded by the window, not by the number of images. Filtering and sorting stay a pure list
 * transform (`visibleImages`) done before the rows are cut.
 */
import { defaultRangeExtractor, type Range, useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { toggleLabel } from '../../services/calibration-service';
import { removeImages } from '../../services/inspection-service';
import { currentModeKey, imageModeKey, labelOf, normalRange, useCalib } from '../../state/calibration';
import { heatmapStyleFor } from '../../state/heatmap-style';
import { fixFor, type JudgeFix } from '../../state/judging';
import { withLabel } from '../../state/label-filter';
import { imageVerdict, visibleImages } from '../../state/selectors';
import { inFolder, useSessions } from '../../state/session-store';
import { patchUi, useApp } from '../../state/store';
import { useJudging } from '../../state/use-judging';
import { queuedText } from '../../state/wait-text';
import { estimatedRowHeight, gridColumns } from './grid-columns';
import { lotWaitText } from './LotMode';
import { ResultCard } from './ResultCard';

/** Rows rendered beyond each edge of the viewport, so a short scroll shows painted cards at once. */
const OVERSCAN_ROWS = 2;

interface Grid {
  cols: number;
  /** Content width (inside the padding). */
  width: number;
  gap: number;
}

/** Reads the grid's geometry from its CSS (--card-min, --card-gap, padding), kept live by a ResizeObserver. */
function useGrid(el: HTMLDivElement | null): Grid {
  const [grid, setGrid] = useState<Grid>({ cols: 1, width: 0, gap: 10 });
  useLayoutEffect(() => {
    if (!el) return;
    const measure = () => {
      const css = getComputedStyle(el);
      const width = el.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight);
      const gap = parseFloat(css.getPropertyValue('--card-gap')) || 0;
      const cols = gridColumns(width, parseFloat(css.getPropertyValue('--card-min')), gap);
      setGrid((g) => (g.cols === cols && g.width === width && g.gap === gap ? g : { cols, width, gap }));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [el]);
  return grid;
}

export function Gallery() {
  const { images, sort, filter, thresholds, selectedId, settings, modeKey, lotWait, phase } = useApp(
    useShallow((s) => ({
      phase: s.model.phase,
      images: s.images,
      sort: s.ui.sort,
      filter: s.ui.filter,
      thresholds: s.thresholds,
      selectedId: s.ui.selectedId,
      settings: s.settings,
      modeKey: currentModeKey(s),
      lotWait: s.settings.lotMode ? lotWaitText(s.lot) : null,
    })),
  );
  const { labels, loo } = useCalib(useShallow((c) => ({ labels: c.labels, loo: c.loo })));
  const { policyOf, regionsOf } = useJudging();
  const normalLow = normalRange(loo, modeKey)?.low ?? null;
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);
  const folder = useSessions((s) => s.folder);
  const labelFilter = useSessions((s) => s.labelFilter);
  const visible = visibleImages(
    withLabel(folder ? images.filter((im) => inFolder(im.name, folder)) : images, labels, labelFilter),
    sort,
    filter,
    policyOf,
    regionsOf,
  );
  const focusIndex = Math.max(
    0,
    visible.findIndex((im) => im.id === selectedId),
  );
  const focusId = visible[focusIndex]?.id ?? null;

  const { cols, width, gap } = useGrid(scroller);
  const rowCount = Math.ceil(visible.length / cols);
  const focusRow = Math.floor(focusIndex / cols);
  const keepFocusRow = useCallback(
    (range: Range) => {
      const rows = defaultRangeExtractor(range);
      if (focusRow < range.count && !rows.includes(focusRow)) rows.push(focusRow);
      return rows.sort((a, b) => a - b);
    },
    [focusRow],
  );
  const rows = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller,
    estimateSize: () => estimatedRowHeight(width, cols, gap),
    gap,
    overscan: OVERSCAN_ROWS,
    rangeExtractor: keepFocusRow,
  });
  // Row heights depend on the column count: re-measure when it changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: cols and width are the triggers
  useLayoutEffect(() => rows.measure(), [cols, width, rows]);

  // A new filter, sort, folder or mark filter keeps the selected image in view when it is still listed, else goes to
  // the top; coming back from the detail view scrolls to the image that was open.
  const rowRef = useRef(focusRow);
  rowRef.current = focusRow;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the list transform or the grid changes
  useEffect(() => {
    if (!scroller || width === 0) return;
    if (rowRef.current === 0) rows.scrollToOffset(0);
    else rows.scrollToIndex(rowRef.current, { align: 'auto' });
  }, [filter, sort, folder, labelFilter, scroller, width === 0]);

  const select = useCallback((id: string) => patchUi({ selectedId: id }), []);
  const open = useCallback((id: string) => patchUi({ selectedId: id, detailOpen: true }), []);
  const goFix = useCallback((fix: JudgeFix) => patchUi({ sideTab: fix.tab }), []);

  // Keyboard moves focus to a card that may not be rendered yet: focus it once its row is in the DOM.
  const pendingFocus = useRef<string | null>(null);
  useLayoutEffect(() => {
    const id = pendingFocus.current;
    if (!id || !scroller) return;
    const el = scroller.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`);
    if (el) {
      pendingFocus.current = null;
      el.focus({ preventScroll: true });
    }
  });

  const onKeyDown = (e: KeyboardEvent) => {
    if (visible.length === 0) return;
    const i = focusIndex;
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
    pendingFocus.current = id;
    select(id);
    rows.scrollToIndex(Math.floor(next / cols), { align: 'auto' });
  };

  if (visible.length === 0) {
    return <p className="muted empty-filter">No images match this filter.</p>;
  }
  return (
    <div
      ref={setScroller}
      className="gallery"
      role="listbox"
      aria-label="Inspection results"
      tabIndex={-1}
      onKeyDown={onKeyDown}
      data-testid="gallery"
      data-cols={cols}
    >
      <div className="gallery-rows" style={{ height: rows.getTotalSize() }}>
        {rows.getVirtualItems().map((row) => (
          <div
            key={row.key}
            ref={rows.measureElement}
            data-index={row.index}
            className="gallery-row"
            role="presentation"
            style={{
              transform: `translateY(${row.start}px)`,
              gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`,
            }}
          >
            {visible.slice(row.index * cols, (row.index + 1) * cols).map((im, j) => {
              const policy = policyOf(im);
              const style = heatmapStyleFor(settings, im, images, thresholds.pixel, normalLow, !!policy);
              return (
                <ResultCard
                  key={im.id}
                  image={im}
                  position={row.index * cols + j + 1}
                  total={visible.length}
                  policy={policy}
                  verdict={imageVerdict(im, policyOf, regionsOf)}
                  fix={fixFor(imageModeKey(im))}
                  onFix={goFix}
                  queuedText={queuedText(phase)}
                  label={labelOf(labels, im)}
                  selected={im.id === selectedId}
                  focusable={im.id === focusId}
                  colormap={settings.colormap}
                  rangeLo={style.range[0]}
                  rangeHi={style.range[1]}
                  split={style.split}
                  opacity={settings.heatmapOpacity}
                  showHeatmap={settings.showHeatmap}
                  waiting={lotWait}
                  onSelect={select}
                  onOpen={open}
                />
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
