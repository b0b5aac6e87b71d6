/** The main area: toolbar, thresholds, and the gallery or the detail view; images can be dropped anywhere here. */
import { useCallback } from 'react';
import { useFileDrop } from '../../hooks';
import { addDropped } from '../../services/batch-service';
import { takeRecipeFiles } from '../../services/recipe-service';
import { useCamera } from '../../state/camera-store';
import { useApp } from '../../state/store';
import { CameraPanel } from '../camera/CameraPanel';
import { RecipeOfferBanner } from '../recipe/RecipeOfferBanner';
import { DetailView } from './DetailView';
import { EmptyState } from './EmptyState';
import { Gallery } from './Gallery';
import { LotNote } from './LotMode';
import { DecisionBar, Toolbar } from './Toolbar';
import { UnjudgedBanner } from './UnjudgedBanner';

export function Workspace() {
  const hasImages = useApp((s) => s.images.length > 0);
  const cameraOpen = useCamera((s) => s.open);
  const detail = useApp((s) =>
    s.ui.detailOpen ? (s.images.find((im) => im.id === s.ui.selectedId) ?? null) : null,
  );
  // A dropped recipe (.json) is opened; images and folders go to the queue.
  const onDrop = useCallback((dt: DataTransfer) => {
    const files = Array.from(dt.files);
    if (takeRecipeFiles(files).length === 0 && files.length > 0) return;
    addDropped(dt);
  }, []);
  const drop = useFileDrop(onDrop);
  return (
    <main
      className={`workspace${drop.dragging ? ' dragging' : ''}`}
      onDragEnter={drop.onDragEnter}
      onDragOver={drop.onDragOver}
      onDragLeave={drop.onDragLeave}
      onDrop={drop.onDrop}
      data-testid="workspace"
    >
      <RecipeOfferBanner />
      <Toolbar />
      <DecisionBar />
      <LotNote />
      {!detail && <UnjudgedBanner />}
      {cameraOpen && <CameraPanel />}
      <div className="workspace-body">
        {detail ? (
          <DetailView key={detail.id} image={detail} />
        ) : hasImages ? (
          <Gallery />
        ) : (
          <EmptyState dragging={drop.dragging} />
        )}
      </div>
      {drop.dragging && hasImages && <div className="drop-overlay">Drop to add images</div>}
    </main>
  );
}
