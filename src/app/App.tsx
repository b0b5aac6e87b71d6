/** Application shell: header, setup panel, workspace, status bar, notices; global paste-to-add. */
import { useEffect } from 'react';
import { Notices } from './components/common/Notices';
import { Workspace } from './components/inspect/Workspace';
import { SidePanel } from './components/SidePanel';
import { StatusBar } from './components/StatusBar';
import { TopBar } from './components/TopBar';
import { addImages } from './services/inspection-service';

function usePasteImages(): void {
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, [contenteditable="true"]')) return;
      const files = Array.from(e.clipboardData?.files ?? []);
      if (files.length === 0) return;
      e.preventDefault();
      void addImages(files);
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, []);
}

export function App() {
  usePasteImages();
  return (
    <div className="app">
      <TopBar />
      <SidePanel />
      <Workspace />
      <StatusBar />
      <Notices />
    </div>
  );
}
