/** A button that opens a file (or folder) picker. */
import { useRef } from 'react';

interface Props {
  label: string;
  accept?: string;
  multiple?: boolean;
  directory?: boolean;
  className?: string;
  testId?: string;
  onFiles: (files: File[]) => void;
}

export function FilePickButton({
  label,
  accept,
  multiple = true,
  directory = false,
  className,
  testId,
  onFiles,
}: Props) {
  const input = useRef<HTMLInputElement>(null);
  const dirProps = directory ? ({ webkitdirectory: '', directory: '' } as Record<string, string>) : {};
  return (
    <>
      <button type="button" className={className ?? 'btn'} onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        accept={accept}
        multiple={multiple}
        data-testid={testId}
        aria-label={label}
        {...dirProps}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
