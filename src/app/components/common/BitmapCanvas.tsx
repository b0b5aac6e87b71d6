/** Draws an ImageBitmap into a canvas sized to it (CSS decides the displayed size). */
import { useEffect, useRef } from 'react';

export function BitmapCanvas({
  bitmap,
  label,
  className,
}: {
  bitmap: ImageBitmap | null;
  label: string;
  className?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !bitmap) return;
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  }, [bitmap]);
  return <canvas ref={ref} className={className} role="img" aria-label={label} />;
}
