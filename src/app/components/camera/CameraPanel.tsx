/**
 * Camera view: device picker, live preview with the last capture's verdict on it, capture on click or
 * Space, and a continuous mode that captures every few seconds (skipping a beat while scoring lags).
 */
import { useEffect, useRef } from 'react';
import { errorText } from '../../../core/errors';
import { setLabel } from '../../services/calibration-service';
import {
  cameraStream,
  captureFrame,
  closeCamera,
  lastCaptureBusy,
  startCamera,
} from '../../services/camera-service';
import { labelOf, useCalib } from '../../state/calibration';
import { patchCamera, useCamera } from '../../state/camera-store';
import { UNJUDGED_TEXT } from '../../state/judging';
import { imageVerdict } from '../../state/selectors';
import { notify, useApp } from '../../state/store';
import { useJudging } from '../../state/use-judging';
import './camera.css';

/** The last capture, and whether it is a REVIEW frame still waiting for the operator's mark. */
function useLastCapture() {
  const id = useCamera((s) => s.lastImageId);
  const image = useApp((s) => (id ? (s.images.find((im) => im.id === id) ?? null) : null));
  const { policyOf, regionsOf } = useJudging();
  const mark = useCalib((c) => (image ? labelOf(c.labels, image) : null));
  const verdict = image ? imageVerdict(image, policyOf, regionsOf) : null;
  return { image, verdict, mark, awaitsMark: verdict === 'REVIEW' && mark === null };
}

function LastVerdict() {
  const { image, verdict, mark, awaitsMark } = useLastCapture();
  const held = useCamera((s) => s.heldBeats);
  if (!image) return null;
  return (
    <div className={`camera-verdict verdict-${verdict ?? 'pending'}`} data-testid="camera-verdict">
      {verdict ? (
        <>
          <b>{verdict}</b> {image.result?.score.toFixed(4)}
        </>
      ) : image.result ? (
        <>
          {UNJUDGED_TEXT} {image.result.score.toFixed(4)}
        </>
      ) : image.status === 'error' ? (
        'Failed'
      ) : (
        'Scoring…'
      )}
      <span className="muted"> · {image.name}</span>
      {/* A REVIEW frame waits for the operator: the mark decides it and calibrates like a gallery mark. */}
      {verdict === 'REVIEW' && (
        <div className="camera-review" data-testid="camera-review">
          {awaitsMark ? 'Your call: ' : `Marked ${mark} · `}
          <button type="button" className="btn btn-small" onClick={() => setLabel(image, 'OK')}>
            OK
          </button>
          <button type="button" className="btn btn-small" onClick={() => setLabel(image, 'NG')}>
            NG
          </button>
          {awaitsMark && (
            <span className="muted" data-testid="camera-held">
              {' '}
              · capture paused until you decide{held > 0 ? ` (${held} skipped)` : ''}
            </span>
          )}
        </div>
      )}
    </div>
  );
}

export function CameraPanel() {
  const cam = useCamera();
  const video = useRef<HTMLVideoElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-attach on every new stream
  useEffect(() => {
    const el = video.current;
    if (el) el.srcObject = cameraStream();
  }, [cam.streamVersion]);

  const capture = () => {
    if (video.current) captureFrame(video.current).catch((err) => notify('error', errorText(err)));
  };
  const captureRef = useRef(capture);
  captureRef.current = capture;
  // Continuous capture holds while a REVIEW frame waits for the operator's mark.
  const { awaitsMark } = useLastCapture();
  const holdRef = useRef(awaitsMark);
  holdRef.current = awaitsMark;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || e.repeat) return;
      const t = e.target as HTMLElement | null;
      if (t?.closest('input, textarea, select, button, [contenteditable="true"]')) return;
      e.preventDefault();
      captureRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (!cam.continuous || !cam.live) return;
    const timer = setInterval(() => {
      // The count of beats held tells the operator (and the e2e) that capture waits on them.
      if (holdRef.current) patchCamera({ heldBeats: useCamera.getState().heldBeats + 1 });
      else if (!lastCaptureBusy()) captureRef.current();
    }, cam.intervalS * 1000);
    return () => clearInterval(timer);
  }, [cam.continuous, cam.live, cam.intervalS]);

  return (
    <section className="camera" aria-label="Camera" data-testid="camera-panel">
      <div className="camera-controls">
        <label className="inline-field">
          Camera
          <select
            aria-label="Camera device"
            value={cam.deviceId ?? ''}
            onChange={(e) => void startCamera(e.target.value || null)}
          >
            {cam.devices.length === 0 && <option value="">Default camera</option>}
            {cam.devices.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-primary" disabled={!cam.live} onClick={capture}>
          Capture <kbd>Space</kbd>
        </button>
        <label className="inline-field">
          <input
            type="checkbox"
            checked={cam.continuous}
            disabled={!cam.live}
            onChange={(e) => patchCamera({ continuous: e.target.checked })}
          />
          Every
        </label>
        <input
          type="number"
          className="camera-interval"
          aria-label="Capture interval in seconds"
          min={0.2}
          step={0.1}
          value={cam.intervalS}
          onChange={(e) => {
            const v = Number(e.target.value);
            if (v >= 0.2) patchCamera({ intervalS: v });
          }}
        />
        <span className="muted">s</span>
        <span className="muted" data-testid="camera-captures">
          {cam.captures} captured
        </span>
        <div className="spacer" />
        <button type="button" className="btn btn-ghost" onClick={closeCamera}>
          Close camera
        </button>
      </div>
      <div className="camera-view">
        <video ref={video} autoPlay playsInline muted data-testid="camera-video" />
        {cam.error ? (
          <div className="camera-error">{cam.error}</div>
        ) : (
          !cam.live && <div className="camera-error">Starting the camera…</div>
        )}
        <LastVerdict />
      </div>
    </section>
  );
}
