/**
 * Draws assets/logo.png (320x320) and assets/logo-small.png (128x128), the sizes Zendesk requires,
 * from the same geometry as the SVG icons: a blue rounded square with five white sound bars.
 * Run: npx tsx manifests/zendesk/tools/generate-logos.ts (the PNGs are committed; rerun after a change).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

type Rgb = readonly [number, number, number];

interface RoundRect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly r: number;
  readonly color: Rgb;
}

const BLUE: Rgb = [0x1f, 0x73, 0xb7];
const WHITE: Rgb = [0xff, 0xff, 0xff];
/** Geometry on a 32-unit grid, identical to icon_*.svg. */
const SHAPES: readonly RoundRect[] = [
  { x: 0, y: 0, w: 32, h: 32, r: 7, color: BLUE },
  { x: 6, y: 13, w: 3, h: 6, r: 1.5, color: WHITE },
  { x: 11, y: 9, w: 3, h: 14, r: 1.5, color: WHITE },
  { x: 16, y: 6, w: 3, h: 20, r: 1.5, color: WHITE },
  { x: 21, y: 11, w: 3, h: 10, r: 1.5, color: WHITE },
  { x: 26, y: 14, w: 2, h: 4, r: 1, color: WHITE },
];
const SUPERSAMPLE = 4;

/** Coverage of a point by a rounded rectangle (inside test on the grid). */
function inside(shape: RoundRect, px: number, py: number): boolean {
  if (px < shape.x || px > shape.x + shape.w || py < shape.y || py > shape.y + shape.h) return false;
  const cx = Math.min(Math.max(px, shape.x + shape.r), shape.x + shape.w - shape.r);
  const cy = Math.min(Math.max(py, shape.y + shape.r), shape.y + shape.h - shape.r);
  return (px - cx) ** 2 + (py - cy) ** 2 <= shape.r ** 2;
}

export function drawLogo(sizePx: number): Buffer {
  const png = new PNG({ width: sizePx, height: sizePx, colorType: 6 });
  const scale = 32 / sizePx;
  for (let y = 0; y < sizePx; y += 1) {
    for (let x = 0; x < sizePx; x += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy += 1) {
        for (let sx = 0; sx < SUPERSAMPLE; sx += 1) {
          const gx = (x + (sx + 0.5) / SUPERSAMPLE) * scale;
          const gy = (y + (sy + 0.5) / SUPERSAMPLE) * scale;
          let color: Rgb | null = null;
          for (const shape of SHAPES) if (inside(shape, gx, gy)) color = shape.color;
          if (color !== null) {
            r += color[0];
            g += color[1];
            b += color[2];
            a += 1;
          }
        }
      }
      const offset = (y * sizePx + x) * 4;
      png.data[offset] = a === 0 ? 0 : Math.round(r / a);
      png.data[offset + 1] = a === 0 ? 0 : Math.round(g / a);
      png.data[offset + 2] = a === 0 ? 0 : Math.round(b / a);
      png.data[offset + 3] = Math.round((255 * a) / SUPERSAMPLE ** 2);
    }
  }
  return PNG.sync.write(png);
}

const assets = fileURLToPath(new URL('../assets/', import.meta.url));
writeFileSync(`${assets}logo.png`, drawLogo(320));
writeFileSync(`${assets}logo-small.png`, drawLogo(128));
console.log(`wrote ${assets}logo.png (320x320) and ${assets}logo-small.png (128x128)`);
