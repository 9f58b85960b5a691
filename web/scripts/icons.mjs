// The cadre app's home-screen icons (web/public/m/icons, 192 and 512 px, and
// a maskable 512): a red rounded square with a white heart — 连心, "hearts
// joined". A phone offers to install the app only when its manifest names
// icons of these sizes. Run by `npm run build` before vite copies public/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

const RED = [0xb7, 0x1c, 0x1c];
const WHITE = [0xff, 0xff, 0xff];

// Whether (x, y), both in [-1, 1] with y up, is inside the heart curve
// (x² + y² − 1)³ − x² y³ ≤ 0, scaled to fill `scale` of the square.
function inHeart(x, y, scale) {
  const u = x / scale, v = y / scale + 0.1;
  const a = u * u + v * v - 1;
  return a * a * a - u * u * v * v * v <= 0;
}

function icon(size, maskable) {
  const png = new PNG({ width: size, height: size });
  const radius = maskable ? 0 : size * 0.18; // maskable: the launcher cuts the shape
  const heart = maskable ? 0.42 : 0.55; // maskable: inside the 80 % safe zone
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const i = (py * size + px) * 4;
      // Rounded corners: transparent outside the corner circles.
      const cx = Math.min(px, size - 1 - px), cy = Math.min(py, size - 1 - py);
      const outside = cx < radius && cy < radius && (radius - cx) ** 2 + (radius - cy) ** 2 > radius ** 2;
      const x = ((px + 0.5) / size) * 2 - 1, y = 1 - ((py + 0.5) / size) * 2;
      const [r, g, b] = inHeart(x * 1.25, y * 1.25, heart * 1.25) ? WHITE : RED;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = outside ? 0 : 255;
    }
  }
  return PNG.sync.write(png);
}

const dir = new URL('../public/m/icons/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('icon-192.png', dir), icon(192, false));
writeFileSync(new URL('icon-512.png', dir), icon(512, false));
writeFileSync(new URL('maskable-512.png', dir), icon(512, true));
