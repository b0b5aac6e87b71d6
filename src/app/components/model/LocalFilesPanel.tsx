/** Local model files: drop or pick the three files, or a folder holding them. */
import { useFileDrop } from '../../hooks';
import { loadDroppedModel, loadLocalFiles } from '../../services/model-actions';
import { FilePickButton } from '../common/FilePickButton';

export function LocalFilesPanel() {
  const drop = useFileDrop(loadDroppedModel);
  return (
    <section className="panel-section" aria-labelledby="local-h">
      <h3 id="local-h">Local files</h3>
      <section
        aria-label="Drop model files here"
        className={`dropzone small${drop.dragging ? ' dragging' : ''}`}
        onDragEnter={drop.onDragEnter}
        onDragOver={drop.onDragOver}
        onDragLeave={drop.onDragLeave}
        onDrop={drop.onDrop}
        data-testid="model-dropzone"
      >
        <p>
          Drop <code>open_clip_config.json</code> + <code>*.safetensors</code> + <code>tokenizer.json</code>,
          or their folder
        </p>
        <div className="row">
          <FilePickButton
            label="Pick files…"
            accept=".json,.safetensors"
            className="btn btn-small"
            testId="model-file-input"
            onFiles={loadLocalFiles}
          />
          <FilePickButton label="Pick folder…" directory className="btn btn-small" onFiles={loadLocalFiles} />
        </div>
      </section>
    </section>
  );
}
