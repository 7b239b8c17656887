import { useEffect, useRef } from 'preact/hooks';
import type { RefObject } from 'preact';

/**
 * Reports the element's height to the host whenever it changes: after every render (state changes) and,
 * where ResizeObserver exists, when layout alone changes it (fonts, images, window width). Repeated equal
 * heights are reported once.
 */
export function useHostResize(elementRef: RefObject<HTMLElement | null>, resize: (heightPx: number) => void): void {
  const lastHeight = useRef(-1);
  const report = useRef(() => {});
  report.current = () => {
    const element = elementRef.current;
    if (element === null) return;
    const heightPx = Math.ceil(element.getBoundingClientRect().height);
    if (heightPx === lastHeight.current) return;
    lastHeight.current = heightPx;
    resize(heightPx);
  };

  useEffect(() => {
    report.current();
  });

  useEffect(() => {
    const element = elementRef.current;
    if (element === null || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => report.current());
    observer.observe(element);
    return () => observer.disconnect();
  }, [elementRef]);
}
