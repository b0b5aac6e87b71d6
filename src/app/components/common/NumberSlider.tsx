/** A labelled slider with a synced number field (typing commits on blur or Enter). */
import { useEffect, useId, useRef, useState } from 'react';

interface Props {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  digits?: number;
  onChange: (v: number) => void;
  testId?: string;
  /** Tooltip explaining the value. */
  hint?: string;
}

export function NumberSlider({ label, value, min, max, step, digits = 3, onChange, testId, hint }: Props) {
  const id = useId();
  const [text, setText] = useState(value.toFixed(digits));
  // While the user types, a value arriving from elsewhere (a calibration landing) must not replace the text.
  const typing = useRef(false);
  useEffect(() => {
    if (!typing.current) setText(value.toFixed(digits));
  }, [value, digits]);
  const commit = () => {
    typing.current = false;
    // The field shows a rounded value: re-committing that unchanged text must not round the threshold.
    if (text === value.toFixed(digits)) return;
    const v = Number(text);
    if (Number.isFinite(v)) onChange(Math.min(max, Math.max(min, v)));
    else setText(value.toFixed(digits));
  };
  return (
    <div className="number-slider" data-testid={testId} title={hint}>
      <label htmlFor={`${id}-range`}>{label}</label>
      <input
        id={`${id}-range`}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
      />
      <input
        type="number"
        aria-label={`${label} value`}
        min={min}
        max={max}
        step={step}
        value={text}
        onChange={(e) => {
          typing.current = true;
          setText(e.target.value);
        }}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
    </div>
  );
}
