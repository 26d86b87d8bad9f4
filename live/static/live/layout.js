// Where each video tile goes on the stage (#tiles): tiles are absolutely
// positioned boxes sized from the stage's own size, so the call uses the
// viewport at any width instead of a fixed grid of small 16:9 cells.
//
// - alone: your tile fills the stage;
// - two people: the other person fills it, you are a small picture-in-picture
//   (or a tile below it on an upright phone);
// - three or more: someone presenting, else (for learners) the mentor, is the
//   large tile and the others share a strip beside or below it (whichever
//   leaves the large tile bigger); a mentor with no presenter sees everyone in
//   an even grid.
// Tiles stay between 4:3 and 16:9, so faces are never squashed thin.

import { me } from "./state.js";

const GAP = 8;
const WIDEST = 16 / 9;
const NARROWEST = 4 / 3;

/** The largest box between 4:3 and 16:9 inside w×h. */
export function fitBox(w, h) {
  w = Math.max(0, w);
  h = Math.max(0, h);
  if (h === 0 || w === 0) return { w: 0, h: 0 };
  if (w / h > WIDEST) return { w: h * WIDEST, h };
  if (w / h < NARROWEST) return { w, h: w / NARROWEST };
  return { w, h };
}

/** Columns and rows for n equal tiles in w×h that make each tile largest. */
export function bestGrid(n, w, h) {
  let best = null;
  for (let cols = 1; cols <= n; cols += 1) {
    const rows = Math.ceil(n / cols);
    const box = fitBox((w - GAP * (cols - 1)) / cols, (h - GAP * (rows - 1)) / rows);
    if (!best || box.w * box.h > best.w * best.h) best = { cols, rows, ...box };
  }
  return best;
}

function place(tile, x, y, w, h) {
  tile.style.left = `${Math.round(x)}px`;
  tile.style.top = `${Math.round(y)}px`;
  tile.style.width = `${Math.round(w)}px`;
  tile.style.height = `${Math.round(h)}px`;
}

/** n tiles as an even grid centred in the rectangle (x, y, w, h). */
function placeGrid(tiles, x, y, w, h) {
  if (!tiles.length) return;
  const grid = bestGrid(tiles.length, w, h);
  const usedH = grid.rows * grid.h + (grid.rows - 1) * GAP;
  const top = y + (h - usedH) / 2;
  tiles.forEach((tile, i) => {
    const row = Math.floor(i / grid.cols);
    const inRow = Math.min(grid.cols, tiles.length - row * grid.cols);
    const rowW = inRow * grid.w + (inRow - 1) * GAP;
    const left = x + (w - rowW) / 2 + (i % grid.cols) * (grid.w + GAP);
    place(tile, left, top + row * (grid.h + GAP), grid.w, grid.h);
  });
}

function centred(w, h, W, H) {
  const box = fitBox(w, h);
  return { x: (W - box.w) / 2, y: (H - box.h) / 2, ...box };
}

/** One large tile and a strip of the others, beside or below it. */
function placeFeatured(main, others, W, H) {
  const side = Math.min(W * 0.26, 320);
  const below = Math.min(H * 0.3, 220);
  const besideBox = fitBox(W - side - GAP, H);
  const belowBox = fitBox(W, H - below - GAP);
  if (besideBox.w * besideBox.h >= belowBox.w * belowBox.h) {
    const box = centred(W - side - GAP, H, W - side - GAP, H);
    place(main, box.x, box.y, box.w, box.h);
    placeGrid(others, W - side, 0, side, H);
  } else {
    const box = centred(W, H - below - GAP, W, H - below - GAP);
    place(main, box.x, box.y, box.w, box.h);
    placeGrid(others, 0, H - below, W, below);
  }
}

/** The other person fills the stage; your own tile sits in its corner, or below
 * it when the stage is taller than the video (a phone held upright). */
function placeWithSelfView(main, mine, W, H) {
  const box = centred(W, H, W, H);
  const spare = H - box.h - GAP;
  if (spare >= 72) {
    const self = fitBox(W / 2, spare);
    place(main, box.x, 0, box.w, box.h);
    place(mine, W - self.w, box.h + GAP, self.w, self.h);
    return;
  }
  place(main, box.x, box.y, box.w, box.h);
  const pipW = Math.max(112, Math.min(box.w * 0.24, 280));
  const pipH = pipW * 9 / 16;
  place(mine, box.x + box.w - pipW - GAP, box.y + box.h - pipH - GAP, pipW, pipH);
}

function featuredTile(remote) {
  const presenting = remote.find((t) => t.dataset.presenting === "1");
  if (presenting) return presenting;
  if (remote.length === 1) return remote[0];
  return me.role === "mentor" ? null : remote.find((t) => t.dataset.role === "mentor") || null;
}

/** Lay out every tile of the stage for its current size. */
export function layoutStage(stage) {
  const tiles = Array.from(stage.querySelectorAll("[data-tile]"));
  const W = stage.clientWidth;
  const H = stage.clientHeight;
  if (!tiles.length || !W || !H) return;
  const mine = tiles.find((t) => t.dataset.mine === "1");
  const remote = tiles.filter((t) => t !== mine);
  const main = featuredTile(remote);
  const pip = Boolean(mine && main && remote.length === 1);
  for (const tile of tiles) {
    tile.dataset.layout = tile === main ? "main" : pip && tile === mine ? "pip" : "strip";
  }
  if (!main) {
    placeGrid([...remote, ...(mine ? [mine] : [])], 0, 0, W, H);
    if (tiles.length === 1) tiles[0].dataset.layout = "main";
  } else if (pip) {
    placeWithSelfView(main, mine, W, H);
  } else {
    placeFeatured(main, tiles.filter((t) => t !== main), W, H);
  }
}

let observer = null;

/** Re-lay the stage whenever it changes size (window, rotation, panels). */
export function watchStage(stage) {
  if (observer || typeof ResizeObserver === "undefined") return;
  observer = new ResizeObserver(() => layoutStage(stage));
  observer.observe(stage);
}
